package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.ConvTranspose;

/**
 * ConvTranspose on float tensors with any number of spatial axes, written as a gather
 * over the NDRange of {@link ConvKernel}: dimension 0 the output positions, dimension 1
 * the images and blocks of output channels. A work item sums, over the input channels of
 * its group and the kernel taps, the input elements whose scattered patch covers its
 * position: input index {@code (o + pad - tap * dilation) / stride} where that divides
 * exactly and lies inside the input. Without dilation only the taps of the right
 * remainder are visited.
 */
public final class ConvTransposeKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x", "w", "b"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        if (w.in(0).elementType() != ElementType.FLOAT) {
            throw new CompileException(w.node().describe() + ": the opencl back end runs ConvTranspose on float only");
        }
        ConvTranspose.Params p = ConvTranspose.params(w.node());
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
        int block = ConvKernel.positionsByChannelBlocks(w, outPlane, m, mg);
        if (block == 0) {
            return;
        }
        int blocks = m / block;
        CodeBlock.Builder k = w.code();
        k.addStatement("int c0 = $L", p.group() == 1 ? "0" : "m0 / " + mg + " * " + cg);
        k.addStatement("int xb = (nb / $L * $L + c0) * $L", blocks, p.inChannels(), inPlane);
        k.addStatement("int wb = (c0 * $L + $L) * $L", mg, mg == 1 ? "0" : "m0 % " + mg, kernelSize);
        for (int d = 0; d < rank; d++) {
            k.addStatement("int o$L = $L$L", d, IndexMath.coordinate("q", outStrides[d], out[d], d == 0),
                    IndexMath.plus(p.padsBegin()[d]));
        }
        for (int r = 0; r < block; r++) {
            k.addStatement("float acc$L = $L", r, w.hasIn(2) ? w.in(2).load("m0" + IndexMath.plus(r)) : "0.0f");
        }
        k.beginControlFlow("for (int c = 0; c < $L; c++)", cg);
        String xOffset = "xb + " + IndexMath.scaled("c", inPlane);
        String wOffset = "wb + " + IndexMath.scaled("c", (long) mg * kernelSize);
        long tapStride = kernelSize;
        for (int d = 0; d < rank; d++) {
            tapStride /= p.kernel()[d];
            long s = p.strides()[d];
            long dil = p.dilations()[d];
            if (dil == 1 && s > 1) {
                // o - tap must be a multiple of the stride: the taps of o's remainder
                k.beginControlFlow("for (int k$L = o$L % $L; k$L < $L; k$L += $L)", d, d, s, d, p.kernel()[d], d, s);
                k.addStatement("int t$L = o$L - k$L", d, d, d);
                k.beginControlFlow("if (t$L < 0 || t$L / $L >= $L)", d, d, s, in[d]).addStatement("continue").endControlFlow();
            } else {
                k.beginControlFlow("for (int k$L = 0; k$L < $L; k$L++)", d, d, p.kernel()[d], d);
                k.addStatement("int t$L = o$L - $L", d, d, IndexMath.scaled("k" + d, dil));
                String divisible = s == 1 ? "" : " || t" + d + " % " + s + " != 0";
                k.beginControlFlow("if (t$L < 0$L || $L >= $L)", d, divisible, IndexMath.div("t" + d, s), in[d])
                        .addStatement("continue").endControlFlow();
            }
            xOffset += " + " + IndexMath.scaled(IndexMath.div("t" + d, s), inStrides[d]);
            wOffset += " + " + IndexMath.scaled("k" + d, tapStride);
        }
        k.addStatement("float v = $L", w.in(0).load(xOffset));
        for (int r = 0; r < block; r++) {
            k.addStatement("acc$L += $L * v", r, w.in(1).load(wOffset + IndexMath.plus(r * kernelSize)));
        }
        for (int d = 0; d <= rank; d++) {
            k.endControlFlow();
        }
        k.addStatement("int yb = nb * $L + q", block * outPlane);
        for (int r = 0; r < block; r++) {
            k.addStatement("$L", w.out(0).store("yb" + IndexMath.plus(r * outPlane), CodeBlock.of("acc$L", r)));
        }
    }
}
