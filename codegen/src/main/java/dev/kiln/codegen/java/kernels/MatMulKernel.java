package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.MatMul;

/**
 * MatMul as a batch of [m, k] x [k, n] products. One work item is one row of one
 * product: the row is cleared, then each element of A's row scales B's matching
 * row into it (a contiguous inner loop over n).
 */
public final class MatMulKernel implements JavaKernel {
    @Override
    public void emit(KernelWriter w) {
        ElementType t = w.in(0).elementType();
        if (t != ElementType.FLOAT && t != ElementType.DOUBLE) {
            throw new CompileException(w.node().describe() + ": the java back end runs MatMul on float and double only");
        }
        MatMul.Params p = MatMul.params(w.node());
        long batches = p.batchCount();
        w.work((int) (batches * p.m()));
        w.cost(batches * p.m() * p.n() * p.k() * 2);
        String c = JavaTypes.compute(t);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.addStatement("int batch = item / $L", p.m());
        k.addStatement("int i = item % $L", p.m());
        batchOffsets(k, p);
        k.addStatement("int yr = yo + item * $L", p.n());
        k.addStatement("int ar = ao + aBatch * $L + i * $L", (long) p.m() * p.k(), p.k());
        k.addStatement("int bb = bo + bBatch * $L", (long) p.k() * p.n());
        k.beginControlFlow("for (int j = 0; j < $L; j++)", p.n());
        k.addStatement("y[yr + j] = 0");
        k.endControlFlow();
        k.beginControlFlow("for (int kk = 0; kk < $L; kk++)", p.k());
        k.addStatement("$L av = a[ar + kk]", c);
        k.addStatement("int br = bb + kk * $L", p.n());
        k.beginControlFlow("for (int j = 0; j < $L; j++)", p.n());
        k.addStatement("y[yr + j] += av * b[br + j]");
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
    }

    /** Declares aBatch and bBatch: which matrix of A and of B the flat batch index reads (broadcast aware). */
    private static void batchOffsets(CodeBlock.Builder k, MatMul.Params p) {
        long[] batch = p.batch();
        StringBuilder a = new StringBuilder("0");
        StringBuilder b = new StringBuilder("0");
        long inner = 1;
        for (int d = batch.length - 1; d >= 0; d--) {
            if (batch[d] == 1) {
                continue;
            }
            String coord = inner == 1 ? "batch % " + batch[d] : "batch / " + inner + " % " + batch[d];
            if (p.aBatchStrides()[d] != 0) {
                a.append(" + (").append(coord).append(") * ").append(p.aBatchStrides()[d]);
            }
            if (p.bBatchStrides()[d] != 0) {
                b.append(" + (").append(coord).append(") * ").append(p.bBatchStrides()[d]);
            }
            inner *= batch[d];
        }
        k.addStatement("int aBatch = $L", a);
        k.addStatement("int bBatch = $L", b);
    }
}
