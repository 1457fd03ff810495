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
 * MatMul as a batch of [m, k] x [k, n] products with broadcast batch axes: one work
 * item per output element, a dot product of a row of A and a column of B.
 */
public final class MatMulKernel implements ClKernel {
    @Override
    public void emit(ClKernelWriter w) {
        ElementType t = w.in(0).elementType();
        if (t != ElementType.FLOAT && t != ElementType.DOUBLE) {
            throw new CompileException(w.node().describe() + ": the opencl back end runs MatMul on float and double only");
        }
        MatMul.Params p = MatMul.params(w.node());
        long mn = (long) p.m() * p.n();
        long[] aStrides = p.aBatchStrides().clone();
        long[] bStrides = p.bBatchStrides().clone();
        for (int d = 0; d < aStrides.length; d++) {
            aStrides[d] *= (long) p.m() * p.k();
            bStrides[d] *= (long) p.k() * p.n();
        }
        Loops batches = new Loops(p.batch(), Loops.contiguous(p.batch()), aStrides, bStrides);
        w.perElement("i", w.out(0).type().size());
        CodeBlock.Builder k = w.code();
        k.add("// i = (batch * $L + row) * $L + col\n", p.m(), p.n());
        k.addStatement("int batch = i / $L", mn);
        k.addStatement("int row = i / $L % $L", p.n(), p.m());
        k.addStatement("int col = i % $L", p.n());
        batches.emitAt(k, "batch", o -> CodeBlock.builder()
                .addStatement("int ab = $L + row * $L", o[1], p.k())
                .addStatement("int bb = $L + col", o[2])
                .build());
        k.addStatement("$L sum = $L", ClTypes.compute(t), ClTypes.literal(t, 0));
        k.beginControlFlow("for (int kk = 0; kk < $L; kk++)", p.k());
        k.addStatement("sum += $L * $L", w.in(0).load("ab + kk"), w.in(1).load("bb + kk * " + p.n()));
        k.endControlFlow();
        k.addStatement("$L", w.out(0).store("i", CodeBlock.of("sum")));
    }
}
