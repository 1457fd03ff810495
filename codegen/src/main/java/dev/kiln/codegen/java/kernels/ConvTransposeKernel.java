package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.ConvTranspose;

/**
 * ConvTranspose for float tensors with any number of spatial axes. Each work item
 * owns one output channel plane and gathers into it the contribution of every
 * input pixel of its group, kernel tap by kernel tap, so threads never write to
 * the same place. The last two spatial axes form the inner 2-D loop nest; any
 * leading ones (3-D and up) add an outer tap/input loop pair each.
 */
public final class ConvTransposeKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x", "w", "b"};
    }

    @Override
    public void emit(KernelWriter w) {
        if (w.in(0).elementType() != ElementType.FLOAT) {
            throw new CompileException(w.node().describe() + ": the java back end runs ConvTranspose on float only");
        }
        ConvTranspose.Params p = ConvTranspose.params(w.node());
        int rank = p.spatialRank();
        int lead = Math.max(0, rank - 2);
        boolean two = rank >= 2;
        int last = rank - 1;
        long inH = two ? p.inputSpatial()[last - 1] : 1;
        long inW = p.inputSpatial()[last];
        long outH = two ? p.outputSpatial()[last - 1] : 1;
        long outW = p.outputSpatial()[last];
        long kh = two ? p.kernel()[last - 1] : 1;
        long kw = p.kernel()[last];
        long sh = two ? p.strides()[last - 1] : 1;
        long sw = p.strides()[last];
        long ph = two ? p.padsBegin()[last - 1] : 0;
        long pw = p.padsBegin()[last];
        long dh = two ? p.dilations()[last - 1] : 1;
        long dw = p.dilations()[last];
        long inPlane = product(p.inputSpatial());
        long outPlane = product(p.outputSpatial());
        long kernelSize = product(p.kernel());
        int n = (int) w.in(0).type().dim(0);
        int m = p.outChannels();
        int cg = p.inChannels() / p.group();
        int mg = m / p.group();
        w.work(n * m);
        w.cost((long) n * m * cg * inPlane * kernelSize * 2);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.addStatement("int n = item / $L", m);
        k.addStatement("int m = item % $L", m);
        k.addStatement("int yb = yo + item * $L", outPlane);
        k.addStatement("float bias = $L", w.hasIn(2) ? "b[bo + m]" : "0f");
        k.beginControlFlow("for (int q = 0; q < $L; q++)", outPlane);
        k.addStatement("y[yb + q] = bias");
        k.endControlFlow();
        k.beginControlFlow("for (int ci = 0; ci < $L; ci++)", cg);
        k.addStatement("int c = m / $L * $L + ci", mg, cg);
        k.addStatement("int xb = xo + (n * $L + c) * $L", p.inChannels(), inPlane);
        k.addStatement("int wb = wo + (c * $L + m % $L) * $L", mg, mg, kernelSize);
        String y = "yb";
        String x = "xb";
        String wt = "wb";
        long inStride = inPlane;
        long outStride = outPlane;
        long kernelStride = kernelSize;
        for (int a = 0; a < lead; a++) {
            // A leading spatial axis: pick a tap, then every input index it sends inside the output.
            inStride /= p.inputSpatial()[a];
            outStride /= p.outputSpatial()[a];
            kernelStride /= p.kernel()[a];
            String tap = "k" + a;
            String i = "i" + a;
            k.beginControlFlow("for (int $L = 0; $L < $L; $L++)", tap, tap, p.kernel()[a], tap);
            ConvKernel.rowRange(k, i, tap, p.padsBegin()[a], p.dilations()[a], p.strides()[a],
                    p.outputSpatial()[a], p.inputSpatial()[a]);
            k.beginControlFlow("for (int $L = $LLo; $L < $LHi; $L++)", i, i, i, i, i);
            k.addStatement("int yb$L = $L + ($L * $L - $L + $L * $L) * $L", a, y, i, p.strides()[a],
                    p.padsBegin()[a], tap, p.dilations()[a], outStride);
            k.addStatement("int xb$L = $L + $L * $L", a, x, i, inStride);
            k.addStatement("int wb$L = $L + $L * $L", a, wt, tap, kernelStride);
            y = "yb" + a;
            x = "xb" + a;
            wt = "wb" + a;
        }
        k.beginControlFlow("for (int kh = 0; kh < $L; kh++)", kh);
        // The inputs ih whose output row ih*sh - ph + kh*dh lies inside the output.
        ConvKernel.rowRange(k, "ih", "kh", ph, dh, sh, outH, inH);
        k.beginControlFlow("for (int kw = 0; kw < $L; kw++)", kw);
        k.addStatement("float wv = w[$L + kh * $L + kw]", wt, kw);
        ConvKernel.rowRange(k, "iw", "kw", pw, dw, sw, outW, inW);
        k.beginControlFlow("for (int ih = ihLo; ih < ihHi; ih++)");
        k.addStatement("int yr = $L + (ih * $L - $L + kh * $L) * $L - $L + kw * $L", y, sh, ph, dh, outW, pw, dw);
        k.addStatement("int xr = $L + ih * $L", x, inW);
        k.beginControlFlow("for (int iw = iwLo; iw < iwHi; iw++)");
        k.addStatement(sw == 1 ? "y[yr + iw] += wv * x[xr + iw]" : "y[yr + iw * " + sw + "] += wv * x[xr + iw]");
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
        for (int a = 0; a < lead; a++) {
            k.endControlFlow();
            k.endControlFlow();
        }
        k.endControlFlow();
        k.endControlFlow();
    }

    private static long product(long[] dims) {
        long p = 1;
        for (long d : dims) {
            p *= d;
        }
        return p;
    }
}
