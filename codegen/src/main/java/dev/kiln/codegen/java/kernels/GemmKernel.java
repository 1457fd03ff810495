package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Broadcast;
import dev.kiln.compiler.ops.Gemm;

/**
 * Gemm: Y = alpha * A' B' + beta * C. One work item is one row of Y. With B
 * transposed (a Linear layer's [out, in] weight) each element is a dot product of
 * two contiguous rows; otherwise rows of B are accumulated into Y's row.
 */
public final class GemmKernel implements JavaKernel {
    @Override
    public void emit(KernelWriter w) {
        ElementType t = w.in(0).elementType();
        if (t != ElementType.FLOAT && t != ElementType.DOUBLE) {
            throw new CompileException(w.node().describe() + ": the java back end runs Gemm on float and double only");
        }
        Gemm.Params p = Gemm.params(w.node());
        String c = JavaTypes.compute(t);
        String alpha = JavaTypes.literal(t, p.alpha());
        String beta = JavaTypes.literal(t, p.beta());
        String zero = JavaTypes.literal(t, 0);
        w.work(p.m());
        w.cost((long) p.m() * p.n() * p.k() * 2);
        CodeBlock.Builder k = w.code();
        // Element (i, kk) of A' and (kk, j) of B', as offsets.
        String aIndex = p.transA() ? "kk * " + p.m() + " + i" : "i * " + p.k() + " + kk";
        k.beginControlFlow("for (int i = lo; i < hi; i++)");
        k.addStatement("int yr = yo + i * $L", p.n());
        if (p.transB()) {
            k.beginControlFlow("for (int j = 0; j < $L; j++)", p.n());
            k.addStatement("$L sum = $L", c, zero);
            k.addStatement("int br = bo + j * $L", p.k());
            k.beginControlFlow("for (int kk = 0; kk < $L; kk++)", p.k());
            k.addStatement("sum += a[ao + $L] * b[br + kk]", aIndex);
            k.endControlFlow();
            k.addStatement("y[yr + j] = $L", scaled(p, alpha, "sum"));
            k.endControlFlow();
        } else {
            k.beginControlFlow("for (int j = 0; j < $L; j++)", p.n());
            k.addStatement("y[yr + j] = $L", zero);
            k.endControlFlow();
            k.beginControlFlow("for (int kk = 0; kk < $L; kk++)", p.k());
            k.addStatement("$L av = a[ao + $L]", c, aIndex);
            k.addStatement("int br = bo + kk * $L", p.n());
            k.beginControlFlow("for (int j = 0; j < $L; j++)", p.n());
            k.addStatement("y[yr + j] += av * b[br + j]");
            k.endControlFlow();
            k.endControlFlow();
            if (p.alpha() != 1f) {
                k.beginControlFlow("for (int j = 0; j < $L; j++)", p.n());
                k.addStatement("y[yr + j] *= $L", alpha);
                k.endControlFlow();
            }
        }
        if (w.hasIn(2) && p.beta() != 0f) {
            long[] cs = Broadcast.strides(w.in(2).type().dims(), new long[] {p.m(), p.n()});
            k.beginControlFlow("for (int j = 0; j < $L; j++)", p.n());
            String term = p.beta() == 1f ? "" : beta + " * ";
            k.addStatement("y[yr + j] += $Lc[co + i * $L + j * $L]", term, cs[0], cs[1]);
            k.endControlFlow();
        }
        k.endControlFlow();
    }

    private static String scaled(Gemm.Params p, String alpha, String v) {
        return p.alpha() == 1f ? v : alpha + " * " + v;
    }
}
