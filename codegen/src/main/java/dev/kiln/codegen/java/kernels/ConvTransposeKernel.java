package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.ConvTranspose;

/**
 * ConvTranspose for float tensors with one or two spatial axes. Each work item
 * owns one output channel plane and gathers into it the contribution of every
 * input pixel of its group, kernel tap by kernel tap, so threads never write to
 * the same place.
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
        if (p.spatialRank() > 2) {
            throw new CompileException(w.node().describe() + ": the java back end runs ConvTranspose with 1 or 2 "
                    + "spatial axes, not " + p.spatialRank());
        }
        boolean two = p.spatialRank() == 2;
        int last = p.spatialRank() - 1;
        long inH = two ? p.inputSpatial()[0] : 1;
        long inW = p.inputSpatial()[last];
        long outH = two ? p.outputSpatial()[0] : 1;
        long outW = p.outputSpatial()[last];
        long kh = two ? p.kernel()[0] : 1;
        long kw = p.kernel()[last];
        long sh = two ? p.strides()[0] : 1;
        long sw = p.strides()[last];
        long ph = two ? p.padsBegin()[0] : 0;
        long pw = p.padsBegin()[last];
        long dh = two ? p.dilations()[0] : 1;
        long dw = p.dilations()[last];
        int n = (int) w.in(0).type().dim(0);
        int m = p.outChannels();
        int cg = p.inChannels() / p.group();
        int mg = m / p.group();
        w.work(n * m);
        w.cost((long) n * m * cg * inH * inW * kh * kw * 2);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.addStatement("int n = item / $L", m);
        k.addStatement("int m = item % $L", m);
        k.addStatement("int yb = yo + item * $L", outH * outW);
        k.addStatement("float bias = $L", w.hasIn(2) ? "b[bo + m]" : "0f");
        k.beginControlFlow("for (int q = 0; q < $L; q++)", outH * outW);
        k.addStatement("y[yb + q] = bias");
        k.endControlFlow();
        k.beginControlFlow("for (int ci = 0; ci < $L; ci++)", cg);
        k.addStatement("int c = m / $L * $L + ci", mg, cg);
        k.addStatement("int xb = xo + (n * $L + c) * $L", p.inChannels(), inH * inW);
        k.addStatement("int wb = wo + (c * $L + m % $L) * $L", mg, mg, kh * kw);
        k.beginControlFlow("for (int kh = 0; kh < $L; kh++)", kh);
        // The inputs ih whose output row ih*sh - ph + kh*dh lies inside the output.
        ConvKernel.rowRange(k, "ih", "kh", ph, dh, sh, outH, inH);
        k.beginControlFlow("for (int kw = 0; kw < $L; kw++)", kw);
        k.addStatement("float wv = w[wb + kh * $L + kw]", kw);
        ConvKernel.rowRange(k, "iw", "kw", pw, dw, sw, outW, inW);
        k.beginControlFlow("for (int ih = ihLo; ih < ihHi; ih++)");
        k.addStatement("int yr = yb + (ih * $L - $L + kh * $L) * $L - $L + kw * $L", sh, ph, dh, outW, pw, dw);
        k.addStatement("int xr = xb + ih * $L", inW);
        k.beginControlFlow("for (int iw = iwLo; iw < iwHi; iw++)");
        k.addStatement(sw == 1 ? "y[yr + iw] += wv * x[xr + iw]" : "y[yr + iw * " + sw + "] += wv * x[xr + iw]");
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
    }
}
