package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Broadcast;
import dev.kiln.compiler.ops.Gemm;

/** Gemm: Y = alpha * A' B' + beta * C, in blocks of rows ({@link RowBlocks}). */
public final class GemmKernel implements ClKernel {
    @Override
    public void emit(ClKernelWriter w) {
        ElementType t = w.in(0).elementType();
        if (t != ElementType.FLOAT && t != ElementType.DOUBLE) {
            throw new CompileException(w.node().describe() + ": the opencl back end runs Gemm on float and double only");
        }
        Gemm.Params p = Gemm.params(w.node());
        if ((long) p.m() * p.n() == 0) {
            return;
        }
        int block = RowBlocks.begin(w, 1, p.m(), p.n());
        CodeBlock.Builder k = w.code();
        String c = ClTypes.compute(t);
        for (int r = 0; r < block; r++) {
            k.addStatement("$L sum$L = 0", c, r);
        }
        k.beginControlFlow("for (int kk = 0; kk < $L; kk++)", p.k());
        // Element (kk, col) of B', then element (row, kk) of A' for each row.
        k.addStatement("$L v = $L", c, w.in(1).load(p.transB() ? "col * " + p.k() + " + kk" : "kk * " + p.n() + " + col"));
        for (int r = 0; r < block; r++) {
            String row = "row" + r + "r";
            k.addStatement("sum$L += $L * v", r, w.in(0).load(p.transA() ? "kk * " + p.m() + " + " + row
                    : row + " * " + p.k() + " + kk"));
        }
        k.endControlFlow();
        long[] cs = w.hasIn(2) && p.beta() != 0f ? Broadcast.strides(w.in(2).type().dims(), new long[] {p.m(), p.n()}) : null;
        for (int r = 0; r < block; r++) {
            String row = "row" + r + "r";
            CodeBlock result = p.alpha() == 1f ? CodeBlock.of("sum$L", r)
                    : CodeBlock.of("$L * sum$L", ClTypes.literal(t, p.alpha()), r);
            if (cs != null) {
                String at = cs[0] == 0 && cs[1] == 0 ? "0" : cs[0] == 0 ? "col" + times(cs[1])
                        : cs[1] == 0 ? row + times(cs[0]) : row + times(cs[0]) + " + col" + times(cs[1]);
                CodeBlock term = w.in(2).load(at);
                result = CodeBlock.of("$L + $L", result, p.beta() == 1f ? term
                        : CodeBlock.of("$L * $L", ClTypes.literal(t, p.beta()), term));
            }
            RowBlocks.guard(k, r, p.m(), block);
            k.addStatement("$L", w.out(0).store(row + " * " + p.n() + " + col", result));
            RowBlocks.endGuard(k, r, p.m(), block);
        }
    }

    private static String times(long stride) {
        return stride == 1 ? "" : " * " + stride;
    }
}
