package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attribute;
import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.ConvTranspose;
import java.util.List;

/**
 * convtranspose-as-conv: a 2-D ConvTranspose of one group becomes a Conv, followed by a
 * DepthToSpace where the stride is more than 1, so that it runs on the convolution kernels
 * (and their layouts, packing, fusions) instead of a scatter of its own.
 *
 * <p>Output row {@code oh = s q + a} of a ConvTranspose with stride s and begin padding p
 * sums, over kernel rows {@code kh = a + p + s t}, input row {@code q - t}. So each phase
 * {@code a} of the output is a stride-1 convolution of the input whose kernel holds every
 * s-th row of W, flipped; all s x s phases together are one Conv with s x s x M output
 * channels (zero taps where a phase has fewer), which DepthToSpace (DCR) interleaves into
 * the s-times larger output. With stride 1 it is the familiar flipped-kernel Conv.
 *
 * <p>Left alone, for the ConvTranspose kernel: groups, dilations, unequal strides, and
 * geometries whose output is not exactly s times the phase grid or would need negative pads.
 */
public final class ConvTransposeAsConv extends RewritePass {
    @Override
    public String name() {
        return "convtranspose-as-conv";
    }

    @Override
    public String description() {
        return "rewrites a 2-D ConvTranspose as a Conv (and a DepthToSpace for stride > 1), for the convolution kernels";
    }

    /** The Conv's geometry on one spatial axis. */
    private record Axis(int stride, int taps, long padBegin, long padEnd, long[] kernelRowOf) {
    }

    @Override
    protected Rewrite match(Node node, Match m) {
        if (!node.is("ConvTranspose") || node.input(0).type().rank() != 4
                || node.input(0).type().elementType() != ElementType.FLOAT || !node.input(1).isConstant()
                || (node.inputCount() > 2 && node.input(2) != null && !node.input(2).isConstant())) {
            return null;
        }
        ConvTranspose.Params p = ConvTranspose.params(node);
        if (p.group() != 1 || p.strides()[0] != p.strides()[1] || p.dilations()[0] != 1 || p.dilations()[1] != 1) {
            return null;
        }
        Axis h = axis(p, 0);
        Axis w = axis(p, 1);
        if (h == null || w == null) {
            return null;
        }
        int s = h.stride();
        int phases = s * s;
        int c = p.inChannels();
        int mOut = p.outChannels();
        float[] weights = node.input(1).constant().floats();
        long[] kernel = p.kernel();
        float[] convWeights = new float[phases * mOut * c * h.taps() * w.taps()];
        for (int a = 0; a < s; a++) {
            for (int b = 0; b < s; b++) {
                for (int m2 = 0; m2 < mOut; m2++) {
                    int outChannel = (a * s + b) * mOut + m2;
                    for (int ci = 0; ci < c; ci++) {
                        for (int i = 0; i < h.taps(); i++) {
                            long kh = h.kernelRowOf()[a * h.taps() + i];
                            for (int j = 0; j < w.taps(); j++) {
                                long kw = w.kernelRowOf()[b * w.taps() + j];
                                if (kh >= 0 && kw >= 0) {
                                    convWeights[((outChannel * c + ci) * h.taps() + i) * w.taps() + j] =
                                            weights[(int) (((ci * (long) mOut + m2) * kernel[0] + kh) * kernel[1] + kw)];
                                }
                            }
                        }
                    }
                }
            }
        }
        String base = node.output().name();
        long convChannels = (long) phases * mOut;
        Value convW = Value.constant(base + "_as_conv_w", Tensor.ofFloats(
                new long[] {convChannels, c, h.taps(), w.taps()}, convWeights));
        Value convB = null;
        if (node.inputCount() > 2 && node.input(2) != null) {
            float[] bias = node.input(2).constant().floats();
            float[] convBias = new float[(int) convChannels];
            for (int phase = 0; phase < phases; phase++) {
                System.arraycopy(bias, 0, convBias, phase * mOut, mOut);
            }
            convB = Value.constant(base + "_as_conv_b", Tensor.ofFloats(new long[] {convChannels}, convBias));
        }
        Attributes a = new Attributes();
        a.set(Attribute.of("kernel_shape", new long[] {h.taps(), w.taps()}));
        a.set(Attribute.of("pads", new long[] {h.padBegin(), w.padBegin(), h.padEnd(), w.padEnd()}));
        a.set(Attribute.of("strides", new long[] {1, 1}));
        List<Value> inputs = convB == null ? List.of(node.input(0), convW) : List.of(node.input(0), convW, convB);
        if (s == 1) {
            Node conv = new Node("Conv", "", node.name(), 11, a, inputs, List.of(node.output()));
            return new Rewrite(List.of(node), node, conv);
        }
        Value phased = new Value(base + "_phases", null);
        Node conv = new Node("Conv", "", node.name(), 11, a, inputs, List.of(phased));
        Attributes d = new Attributes();
        d.set(Attribute.of("blocksize", (long) s));
        d.set(Attribute.of("mode", "DCR"));
        Node interleave = new Node("DepthToSpace", "", node.name() + "_interleave", 13, d, List.of(phased),
                List.of(node.output()));
        return new Rewrite(List.of(node), node, List.of(conv, interleave));
    }

    /**
     * The phase convolution on spatial axis {@code i}, or null where it does not fit: for phase a
     * and Conv tap j, the ConvTranspose kernel row it reads ({@code -1} for none).
     */
    private static Axis axis(ConvTranspose.Params p, int i) {
        int s = (int) p.strides()[i];
        long k = p.kernel()[i];
        long begin = p.padsBegin()[i];
        long in = p.inputSpatial()[i];
        long out = p.outputSpatial()[i];
        if (out % s != 0) {
            return null;
        }
        long q = out / s;
        // Over all phases a: the offsets t = (kh - a - begin) / s of the kernel rows kh that reach phase a.
        long tMin = Long.MAX_VALUE;
        long tMax = Long.MIN_VALUE;
        for (int a = 0; a < s; a++) {
            for (long kh = 0; kh < k; kh++) {
                long d = kh - a - begin;
                if (Math.floorMod(d, s) == 0) {
                    tMin = Math.min(tMin, d / s);
                    tMax = Math.max(tMax, d / s);
                }
            }
        }
        if (tMin > tMax) {
            return null;
        }
        int taps = (int) (tMax - tMin + 1);
        // Conv tap j reads input row q - tMax + j, i.e. offset t = tMax - j; padding tMax at the start.
        long padEnd = q - 1 + taps - in - tMax;
        if (tMax < 0 || padEnd < 0) {
            return null;
        }
        long[] rowOf = new long[s * taps];
        for (int a = 0; a < s; a++) {
            for (int j = 0; j < taps; j++) {
                long kh = a + begin + s * (tMax - j);
                rowOf[a * taps + j] = kh >= 0 && kh < k ? kh : -1;
            }
        }
        return new Axis(s, taps, tMax, padEnd, rowOf);
    }
}
