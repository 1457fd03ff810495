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
import java.util.ArrayList;
import java.util.List;

/**
 * Conv and Kiln's FusedConv on float tensors with any number of spatial axes: one
 * work item per output element, which sums its window over the input channels of its
 * group, taps that fall in the padding left out, then applies the epilogue
 * (activation, residual) before its one store.
 */
public final class ConvKernel implements ClKernel {
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
        Conv.Params p = Conv.params(w.node());
        int rank = p.spatialRank();
        long[] in = p.inputSpatial();
        long[] out = p.outputSpatial();
        long[] inStrides = Loops.contiguous(in);
        long[] outStrides = Loops.contiguous(out);
        long inPlane = in.length == 0 ? 1 : inStrides[0] * in[0];
        long outPlane = out.length == 0 ? 1 : outStrides[0] * out[0];
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
        String group = p.group() == 1 ? "" : " + m / " + mg + " * " + cg;
        k.addStatement("int xb = (nm / $L * $L$L) * $L", m, p.inChannels(), group, inPlane);
        k.addStatement("int wb = m * $L", (long) cg * kernelSize);
        for (int d = 0; d < rank; d++) {
            String o = IndexMath.coordinate("i", outStrides[d], out[d], false);
            k.addStatement("int s$L = $L$L", d, IndexMath.scaled("(" + o + ")", p.strides()[d]),
                    IndexMath.plus(-p.padsBegin()[d]));
        }
        k.addStatement("float acc = $L", w.hasIn(2) ? w.in(2).load("m") : "0.0f");
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
            String tap = IndexMath.scaled("k" + d, p.dilations()[d]);
            if (p.kernel()[d] > 1) {
                k.beginControlFlow("for (int k$L = 0; k$L < $L; k$L++)", d, d, p.kernel()[d], d);
                loops++;
                wOffset += " + " + IndexMath.scaled("k" + d, tapStride);
            }
            k.addStatement("int i$L = s$L$L", d, d, p.kernel()[d] > 1 ? " + " + tap : "");
            if (mayLeave(p, d) && loops > 0) {
                k.beginControlFlow("if (i$L < 0 || i$L >= $L)", d, d, in[d]).addStatement("continue").endControlFlow();
            } else if (mayLeave(p, d)) {
                inside.add("i" + d + " >= 0 && i" + d + " < " + in[d]); // no loop to continue
            }
            xOffset += " + " + IndexMath.scaled("i" + d, inStrides[d]);
        }
        if (!inside.isEmpty()) {
            k.beginControlFlow("if ($L)", String.join(" && ", inside));
            loops++;
        }
        k.addStatement("acc += $L * $L", w.in(1).load(wOffset), w.in(0).load(xOffset));
        for (int d = 0; d < loops; d++) {
            k.endControlFlow();
        }
        Activation act = Activation.read(w.node());
        if (act != null) {
            k.addStatement("acc = $L", Activations.apply(act, CodeBlock.of("acc"), new ClSpelling(ElementType.FLOAT)));
        }
        if (w.hasIn(3)) {
            k.addStatement("acc += $L", w.in(3).load("i"));
        }
        k.addStatement("$L", w.out(0).store("i", CodeBlock.of("acc")));
    }

    /** Whether some tap of axis d reads outside the input (into the padding, or past a ceil-mode end). */
    private static boolean mayLeave(Conv.Params p, int d) {
        long last = (p.outputSpatial()[d] - 1) * p.strides()[d] - p.padsBegin()[d] + (p.kernel()[d] - 1) * p.dilations()[d];
        return p.padsBegin()[d] > 0 || last >= p.inputSpatial()[d];
    }
}
