package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attribute;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.Conv;
import dev.kiln.compiler.ops.FusedConv;
import dev.kiln.compiler.ops.Transpose;

/**
 * pack-weights: reorders the weights of channels-last convolutions, at compile time,
 * into the order their kernels read them, so that the weight file holds them that way
 * and no kernel gathers a weight with a stride. W [M, C/group, kh, kw] becomes panels
 * of P output channels, [ceil(M/P), kh, kw, C/group, P] (see {@link FusedConv}): for
 * each panel, tap and input channel, the P weights that multiply one input value are
 * contiguous, which is what a register tile of P output channels (the vector back end:
 * two vectors) or a loop over all M (the java back end: one panel) reads. The bias
 * is padded with zeros to whole panels too. Packed are convolutions of one group and
 * depthwise ones; others keep ONNX's order.
 *
 * <p>For vector kernels also: a Gemm whose B is a constant stored transposed (transB = 1,
 * [N, K], as PyTorch exports a Linear layer) gets B as [K, N] and transB = 0, so its
 * kernel reads B's rows in memory order and never sums across the lanes of a vector
 * (an order the Vector API leaves unspecified).
 */
public final class PackWeights implements Pass {
    private final int panel;

    /** @param panel output channels per panel; 0 for one panel of all of them */
    public PackWeights(int panel) {
        this.panel = panel;
    }

    @Override
    public String name() {
        return "pack-weights";
    }

    @Override
    public String description() {
        return "reorders channels-last convolution weights into the panels their kernels read";
    }

    @Override
    public int run(Graph graph) {
        int packed = 0;
        for (Node n : graph.nodes()) {
            if (panel != 0 && n.is("Gemm") && untransposeB(n)) {
                packed++;
                continue;
            }
            if (!n.domain().equals(Node.KILN_DOMAIN) || !n.opType().equals(FusedConv.OP_TYPE)) {
                continue;
            }
            FusedConv.Layout layout = FusedConv.layout(n);
            Value w = n.input(1);
            if (!layout.channelsLast() || layout.packed() || !w.isConstant()
                    || w.type().elementType() != ElementType.FLOAT) {
                continue;
            }
            Conv.Params p = FusedConv.params(n);
            if (p.group() != 1 && !p.isDepthwise()) {
                continue;
            }
            int width = panel == 0 ? p.outChannels() : panel;
            n.setInput(1, Value.constant(w.name() + "_panels" + width, pack(w.constant(), p, width)));
            Value b = n.inputCount() > 2 ? n.input(2) : null;
            if (b != null && b.isConstant() && p.outChannels() % width != 0) {
                n.setInput(2, Value.constant(b.name() + "_padded" + width, padded(b.constant(), width)));
            }
            n.attributes().set(Attribute.of("packed_panel", (long) width));
            n.attributes().set(Attribute.of("out_channels", (long) p.outChannels()));
            n.attributes().set(Attribute.of("kernel_shape", p.kernel()));
            packed++;
        }
        return packed;
    }

    /** Stores a constant transposed B of a Gemm as [K, N]; false where there is none. */
    private static boolean untransposeB(Node n) {
        Value b = n.input(1);
        if (n.attributes().getInt("transB", 0) == 0 || !b.isConstant() || b.type().elementType() != ElementType.FLOAT
                || b.type().rank() != 2) {
            return false;
        }
        n.setInput(1, Value.constant(b.name() + "_transposed", Transpose.permute(b.constant(), new int[] {1, 0})));
        n.attributes().set(Attribute.of("transB", 0L));
        return true;
    }

    /** A bias [M] padded with zeros to whole panels, so a kernel may read a panel's biases as whole vectors. */
    static Tensor padded(Tensor b, int width) {
        int m = b.size();
        float[] out = new float[(m + width - 1) / width * width];
        System.arraycopy(b.floats(), 0, out, 0, m);
        return new Tensor(new TensorType(ElementType.FLOAT, out.length), out);
    }

    /** W [M, Cg, k...] as [ceil(M/P), k..., Cg, P], the last panel padded with zeros. */
    static Tensor pack(Tensor w, Conv.Params p, int width) {
        int m = p.outChannels();
        int cg = (int) w.type().dim(1);
        int taps = 1;
        for (long k : p.kernel()) {
            taps *= (int) k;
        }
        int panels = (m + width - 1) / width;
        float[] src = w.floats();
        float[] dst = new float[panels * taps * cg * width];
        for (int o = 0; o < m; o++) {
            int pi = o / width;
            int j = o % width;
            for (int c = 0; c < cg; c++) {
                for (int t = 0; t < taps; t++) {
                    dst[((pi * taps + t) * cg + c) * width + j] = src[(o * cg + c) * taps + t];
                }
            }
        }
        long[] dims = new long[p.kernel().length + 3];
        dims[0] = panels;
        System.arraycopy(p.kernel(), 0, dims, 1, p.kernel().length);
        dims[dims.length - 2] = cg;
        dims[dims.length - 1] = width;
        return new Tensor(new TensorType(ElementType.FLOAT, dims), dst);
    }
}
