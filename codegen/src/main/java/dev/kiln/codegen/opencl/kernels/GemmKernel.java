package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Broadcast;
import dev.kiln.compiler.ops.Gemm;

/** Gemm: Y = alpha * A' B' + beta * C, one work item per element of Y. */
public final class GemmKernel implements ClKernel {
    @Override
    public void emit(ClKernelWriter w) {
        ElementType t = w.in(0).elementType();
        if (t != ElementType.FLOAT && t != ElementType.DOUBLE) {
            throw new CompileException(w.node().describe() + ": the opencl back end runs Gemm on float and double only");
        }
        Gemm.Params p = Gemm.params(w.node());
        w.perElement("i", (long) p.m() * p.n());
        CodeBlock.Builder k = w.code();
        k.addStatement("int row = i / $L", p.n());
        k.addStatement("int col = i % $L", p.n());
        // Element (row, kk) of A' and (kk, col) of B', as offsets.
        String a = p.transA() ? "kk * " + p.m() + " + row" : "row * " + p.k() + " + kk";
        String b = p.transB() ? "col * " + p.k() + " + kk" : "kk * " + p.n() + " + col";
        k.addStatement("$L sum = $L", ClTypes.compute(t), ClTypes.literal(t, 0));
        k.beginControlFlow("for (int kk = 0; kk < $L; kk++)", p.k());
        k.addStatement("sum += $L * $L", w.in(0).load(a), w.in(1).load(b));
        k.endControlFlow();
        CodeBlock result = p.alpha() == 1f ? CodeBlock.of("sum") : CodeBlock.of("$L * sum", ClTypes.literal(t, p.alpha()));
        if (w.hasIn(2) && p.beta() != 0f) {
            long[] cs = Broadcast.strides(w.in(2).type().dims(), new long[] {p.m(), p.n()});
            String c = cs[0] == 0 && cs[1] == 0 ? "0" : cs[0] == 0 ? "col" + times(cs[1])
                    : cs[1] == 0 ? "row" + times(cs[0]) : "row" + times(cs[0]) + " + col" + times(cs[1]);
            CodeBlock term = w.in(2).load(c);
            result = CodeBlock.of("$L + $L", result, p.beta() == 1f ? term : CodeBlock.of("$L * $L",
                    ClTypes.literal(t, p.beta()), term));
        }
        k.addStatement("$L", w.out(0).store("i", result));
    }

    private static String times(long stride) {
        return stride == 1 ? "" : " * " + stride;
    }
}
