package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Activations;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClSpelling;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Activation;
import dev.kiln.compiler.ops.Conv;
import dev.kiln.compiler.ops.FusedConv;
import java.util.ArrayList;
import java.util.List;

/**
 * Conv and Kiln's FusedConv on float tensors with any number of spatial axes. The
 * NDRange is two-dimensional: dimension 0 runs over the output positions of a plane,
 * dimension 1 over the images and blocks of up to {@value #BLOCK} output channels. A
 * work item computes one position of every channel of its block, so each input element
 * it loads feeds that many sums, and the items of a work-group, which share the block,
 * read the same weights and neighbouring inputs (what SIMD lanes and GPU warps want).
 * Taps that fall in the padding read a clamped element and use the padding's zero
 * instead, without a branch, so SIMD lanes stay together; the epilogue (activation, residual) is applied
 * before each channel's one store.
 */
public final class ConvKernel implements ClKernel {
    /** Output channels per work item, at most. */
    static final int BLOCK = 8;

    @Override
    public String[] inputNames() {
        return new String[] {"x", "w", "b", "r"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        if (w.in(0).elementType() != ElementType.FLOAT) {
            throw new CompileException(w.node().describe() + ": the opencl back end runs Conv on float only, not "
                    + w.in(0).elementType().onnxName());
        }
        FusedConv.Layout layout = FusedConv.layout(w.node());
        if (layout.channelsLast() || layout.packed()) {
            // choose-layout and pack-weights are the Java back ends' passes; this kernel reads ONNX's layout
            throw new CompileException(w.node().describe() + ": the opencl back end runs FusedConv in ONNX's layout only ("
                    + "channels_last = 0, packed_panel = 0), not " + layout);
        }
        Conv.Params p = Conv.params(w.node());
        int rank = p.spatialRank();
        long[] in = p.inputSpatial();
        long[] out = p.outputSpatial();
        long[] inStrides = Loops.contiguous(in);
        long[] outStrides = Loops.contiguous(out);
        long inPlane = inStrides[0] * in[0];
        long outPlane = outStrides[0] * out[0];
        long kernelSize = 1;
        for (long k : p.kernel()) {
            kernelSize *= k;
        }
        int m = p.outChannels();
        int cg = p.inChannels() / p.group();
        int mg = m / p.group();
        int block = positionsByChannelBlocks(w, outPlane, m, mg);
        if (block == 0) {
            return;
        }
        int blocks = m / block;
        CodeBlock.Builder k = w.code();
        String groupOffset = p.group() == 1 ? "" : " + m0 / " + mg + " * " + cg;
        k.addStatement("int xb = (nb / $L * $L$L) * $L", blocks, p.inChannels(), groupOffset, inPlane);
        k.addStatement("int wb = m0 * $L", (long) cg * kernelSize);
        for (int d = 0; d < rank; d++) {
            String o = IndexMath.coordinate("q", outStrides[d], out[d], d == 0);
            k.addStatement("int s$L = $L$L", d, IndexMath.scaled("(" + o + ")", p.strides()[d]),
                    IndexMath.plus(-p.padsBegin()[d]));
        }
        for (int r = 0; r < block; r++) {
            k.addStatement("float acc$L = $L", r, w.hasIn(2) ? w.in(2).load("m0" + IndexMath.plus(r)) : "0.0f");
        }
        int loops = 0;
        List<String> inside = new ArrayList<>();
        if (cg > 1) {
            k.beginControlFlow("for (int c = 0; c < $L; c++)", cg);
            loops++;
        }
        String xOffset = "xb" + (cg > 1 ? " + " + IndexMath.scaled("c", inPlane) : "");
        String wOffset = "wb" + (cg > 1 ? " + " + IndexMath.scaled("c", kernelSize) : "");
        long tapStride = kernelSize;
        for (int d = 0; d < rank; d++) {
            tapStride /= p.kernel()[d];
            if (p.kernel()[d] > 1) {
                k.beginControlFlow("for (int k$L = 0; k$L < $L; k$L++)", d, d, p.kernel()[d], d);
                loops++;
                wOffset += " + " + IndexMath.scaled("k" + d, tapStride);
            }
            String at = "s" + d + (p.kernel()[d] > 1 ? " + " + IndexMath.scaled("k" + d, p.dilations()[d]) : "");
            if (mayLeave(p, d)) {
                // taps in the padding read a clamped element and count 0: no branch, so SIMD lanes stay together
                k.addStatement("int i$L = clamp($L, 0, $L)", d, at, in[d] - 1);
                inside.add("i" + d + " == " + at);
            } else {
                k.addStatement("int i$L = $L", d, at);
            }
            xOffset += " + " + IndexMath.scaled("i" + d, inStrides[d]);
        }
        if (inside.isEmpty()) {
            k.addStatement("float v = $L", w.in(0).load(xOffset));
        } else {
            // a tap in the padding reads the zero the padding stands for
            k.addStatement("float v = $L ? $L : 0.0f", String.join(" && ", inside), w.in(0).load(xOffset));
        }
        long weightRow = (long) cg * kernelSize;
        for (int r = 0; r < block; r++) {
            k.addStatement("acc$L += $L * v", r, w.in(1).load(wOffset + IndexMath.plus(r * weightRow)));
        }
        for (int d = 0; d < loops; d++) {
            k.endControlFlow();
        }
        Activation act = Activation.read(w.node());
        k.addStatement("int yb = nb * $L + q", block * outPlane);
        for (int r = 0; r < block; r++) {
            String acc = "acc" + r;
            if (act != null) {
                k.addStatement("$L = $L", acc, Activations.apply(act, CodeBlock.of("$L", acc), new ClSpelling(ElementType.FLOAT)));
            }
            String at = "yb" + IndexMath.plus(r * outPlane);
            if (w.hasIn(3)) {
                k.addStatement("$L += $L", acc, w.in(3).load(at));
            }
            k.addStatement("$L", w.out(0).store(at, CodeBlock.of("$L", acc)));
        }
    }

    /**
     * Declares the NDRange of the convolution kernels, dimension 0 over the {@code outPlane}
     * output positions of a plane, dimension 1 over the images and blocks of output channels,
     * and in the body {@code q} (the position), {@code nb} (image and block) and {@code m0}
     * (the block's first output channel).
     *
     * @return the output channels per block, 0 if there is nothing to compute
     */
    static int positionsByChannelBlocks(ClKernelWriter w, long outPlane, int outChannels, int channelsPerGroup) {
        long images = w.in(0).type().dim(0);
        if (outPlane == 0 || images == 0) {
            return 0;
        }
        int block = block(channelsPerGroup);
        int blocks = outChannels / block;
        long group = Math.min(ClKernelWriter.GROUP, Long.highestOneBit(outPlane) == outPlane ? outPlane
                : Long.highestOneBit(outPlane) * 2);
        w.range(new long[] {ClKernelWriter.roundUp(outPlane, group), images * blocks}, new long[] {group, 1});
        CodeBlock.Builder k = w.code();
        k.add("// dimension 0: output position q; dimension 1: image n and block of $L output channels from m0\n", block);
        k.addStatement("int q = get_global_id(0)");
        if (outPlane % group != 0) {
            k.beginControlFlow("if (q >= $L)", outPlane).addStatement("return").endControlFlow();
        }
        k.addStatement("int nb = get_global_id(1)");
        k.addStatement("int m0 = nb % $L * $L", blocks, block);
        return block;
    }

    /** Output channels per work item: the largest of 8, 4, 2 and 1 that divides the channels of a group. */
    static int block(int channelsPerGroup) {
        int b = BLOCK;
        while (channelsPerGroup % b != 0) {
            b /= 2;
        }
        return b;
    }

    /** Whether some tap of axis d reads outside the input (into the padding, or past a ceil-mode end). */
    private static boolean mayLeave(Conv.Params p, int d) {
        long last = (p.outputSpatial()[d] - 1) * p.strides()[d] - p.padsBegin()[d] + (p.kernel()[d] - 1) * p.dilations()[d];
        return p.padsBegin()[d] > 0 || last >= p.inputSpatial()[d];
    }
}
