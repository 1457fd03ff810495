package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.MatMul;

/**
 * MatMul as a batch of [m, k] x [k, n] products with broadcast batch axes, in blocks
 * of rows ({@link RowBlocks}): each work item sums one column of the result for a few
 * rows at once.
 */
public final class MatMulKernel implements ClKernel {
    @Override
    public void emit(ClKernelWriter w) {
        ElementType t = w.in(0).elementType();
        if (t != ElementType.FLOAT && t != ElementType.DOUBLE) {
            throw new CompileException(w.node().describe() + ": the opencl back end runs MatMul on float and double only");
        }
        MatMul.Params p = MatMul.params(w.node());
        if (w.out(0).type().size() == 0) {
            return;
        }
        long[] aStrides = p.aBatchStrides().clone();
        long[] bStrides = p.bBatchStrides().clone();
        for (int d = 0; d < aStrides.length; d++) {
            aStrides[d] *= (long) p.m() * p.k();
            bStrides[d] *= (long) p.k() * p.n();
        }
        Loops batches = new Loops(p.batch(), Loops.contiguous(p.batch()), aStrides, bStrides);
        int block = RowBlocks.begin(w, p.batchCount(), p.m(), p.n());
        CodeBlock.Builder k = w.code();
        batches.emitAt(k, "batch", o -> CodeBlock.builder()
                .addStatement("int ab = $L", o[1])
                .addStatement("int bb = $L + col", o[2])
                .build());
        String c = ClTypes.compute(t);
        for (int r = 0; r < block; r++) {
            k.addStatement("$L sum$L = 0", c, r);
        }
        k.beginControlFlow("for (int kk = 0; kk < $L; kk++)", p.k());
        k.addStatement("$L v = $L", c, w.in(1).load("bb + kk * " + p.n()));
        for (int r = 0; r < block; r++) {
            k.addStatement("sum$L += $L * v", r, w.in(0).load("ab + row" + r + "r * " + p.k() + " + kk"));
        }
        k.endControlFlow();
        for (int r = 0; r < block; r++) {
            RowBlocks.guard(k, r, p.m(), block);
            k.addStatement("$L", w.out(0).store("(batch * " + p.m() + " + row" + r + "r) * " + p.n() + " + col",
                    CodeBlock.of("sum$L", r)));
            RowBlocks.endGuard(k, r, p.m(), block);
        }
    }
}
