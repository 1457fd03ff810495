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
 * ConvTranspose on float tensors with any number of spatial axes, written as a
 * gather: one work item per output element sums, over the input channels of its
 * group and the kernel taps, the input elements whose scattered patch covers it
 * (input index {@code (o + pad - tap * dilation) / stride} where that divides exactly
 * and lies inside the input).
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
        w.perElement("i", w.out(0).type().size());
        CodeBlock.Builder k = w.code();
        k.add("// i = (n * $L + m) * $L + q: batch n, output channel m, output position q\n", m, outPlane);
        k.addStatement("int nm = i / $L", outPlane);
        k.addStatement("int m = nm % $L", m);
        k.addStatement("int c0 = $L", p.group() == 1 ? "0" : "m / " + mg + " * " + cg);
        k.addStatement("int xb = (nm / $L * $L + c0) * $L", m, p.inChannels(), inPlane);
        k.addStatement("int wb = (c0 * $L + $L) * $L", mg, mg == 1 ? "0" : "m % " + mg, kernelSize);
        for (int d = 0; d < rank; d++) {
            k.addStatement("int o$L = $L$L", d, IndexMath.coordinate("i", outStrides[d], out[d], false),
                    IndexMath.plus(p.padsBegin()[d]));
        }
        k.addStatement("float acc = $L", w.hasIn(2) ? w.in(2).load("m") : "0.0f");
        k.beginControlFlow("for (int c = 0; c < $L; c++)", cg);
        String xOffset = "xb + c * " + inPlane;
        String wOffset = "wb + c * " + (long) mg * kernelSize;
        long tapStride = kernelSize;
        for (int d = 0; d < rank; d++) {
            tapStride /= p.kernel()[d];
            long s = p.strides()[d];
            k.beginControlFlow("for (int k$L = 0; k$L < $L; k$L++)", d, d, p.kernel()[d], d);
            k.addStatement("int t$L = o$L - $L", d, d, IndexMath.scaled("k" + d, p.dilations()[d]));
            String divisible = s == 1 ? "" : " || t" + d + " % " + s + " != 0";
            k.beginControlFlow("if (t$L < 0$L || $L >= $L)", d, divisible, IndexMath.div("t" + d, s), in[d])
                    .addStatement("continue").endControlFlow();
            xOffset += " + " + IndexMath.scaled(IndexMath.div("t" + d, s), inStrides[d]);
            wOffset += " + " + IndexMath.scaled("k" + d, tapStride);
        }
        k.addStatement("acc += $L * $L", w.in(1).load(wOffset), w.in(0).load(xOffset));
        for (int d = 0; d <= rank; d++) {
            k.endControlFlow();
        }
        k.addStatement("$L", w.out(0).store("i", CodeBlock.of("acc")));
    }
}
