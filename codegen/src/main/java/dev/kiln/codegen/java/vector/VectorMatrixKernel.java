package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Broadcast;
import dev.kiln.compiler.ops.Gemm;

/**
 * 2-D float MatMul and Gemm with B as [K, N] (MatMul; Gemm without transA or transB:
 * pack-weights turns a constant transposed B into [K, N]), a vector at a time. These
 * are the classifier heads, where one row of A meets megabytes of weights and the work
 * is reading them, so B is read in the order it lies in memory: for each k, a long
 * contiguous run of B's row k updates the same run of Y's row,
 * {@code y[i, j] += a[i, k] * B[k, j]}. A work item is one row of Y and one of
 * {@link #BLOCKS_PER_ROW} blocks of its columns, so a single row spreads over every
 * thread; the block's outputs stay in the L1 cache while k runs. Each output sums its
 * k in order, whichever item it falls in. Then alpha, and beta times C.
 */
public final class VectorMatrixKernel implements JavaKernel {
    /** Column blocks per row of Y: enough to share one row between threads evenly. */
    static final int BLOCKS_PER_ROW = 8;

    @Override
    public boolean handles(Node node) {
        if (node.output().type().elementType() != ElementType.FLOAT || node.input(0).type().rank() != 2
                || node.input(1).type().rank() != 2) {
            return false;
        }
        if (node.is("MatMul")) {
            return true;
        }
        Gemm.Params p = Gemm.params(node);
        Shape s = Shape.of(node);
        // A transposed operand, or C broadcast along the columns other than as a row of N or a
        // single value: the scalar kernel.
        return !p.transA() && !p.transB() && (s.cStrides() == null || s.cStrides()[1] <= 1);
    }

    /**
     * The product's geometry, Gemm's or MatMul's; {@code cStrides}, C's strides along Y's rows
     * and columns (0 where it broadcasts), null without a C term.
     */
    private record Shape(int m, int k, int n, float alpha, float beta, long[] cStrides) {
        static Shape of(Node node) {
            if (node.is("Gemm")) {
                Gemm.Params p = Gemm.params(node);
                boolean c = node.inputCount() > 2 && node.input(2) != null && p.beta() != 0f;
                return new Shape(p.m(), p.k(), p.n(), p.alpha(), p.beta(),
                        c ? Broadcast.strides(node.input(2).type().dims(), new long[] {p.m(), p.n()}) : null);
            }
            long[] a = node.input(0).type().dims();
            long[] b = node.input(1).type().dims();
            return new Shape((int) a[0], (int) a[1], (int) b[1], 1f, 0f, null);
        }

        /** alpha * v + beta * C[i, j], for one column j. */
        String scalar(String v, String j) {
            String value = alpha == 1f ? v : JavaTypes.floatLiteral(alpha) + " * " + v;
            if (cStrides == null) {
                return value;
            }
            return value + " + " + (beta == 1f ? "" : JavaTypes.floatLiteral(beta) + " * ") + "c[co + i * " + cStrides[0]
                    + " + (" + j + ") * " + cStrides[1] + "]";
        }

        /** alpha * v + beta * C[i, j..j+L), for a vector of columns from j. */
        CodeBlock vector(CodeBlock v, String j) {
            CodeBlock value = alpha == 1f ? v
                    : CodeBlock.of("$L.mul($L)", v, JavaTypes.floatLiteral(alpha));
            if (cStrides == null) {
                return value;
            }
            CodeBlock c = cStrides[1] == 0 ? CodeBlock.of("c[co + i * $L]", cStrides[0])
                    : CodeBlock.of("$T.fromArray(S, c, co + i * $L + $L)", Vectors.FLOAT_VECTOR, cStrides[0], j);
            return beta == 1f ? CodeBlock.of("$L.add($L)", value, c)
                    : CodeBlock.of("$L.add($L$L)", value, c, cStrides[1] == 0 ? " * " + JavaTypes.floatLiteral(beta)
                            : ".mul(" + JavaTypes.floatLiteral(beta) + ")");
        }
    }

    @Override
    public void emit(KernelWriter w) {
        Shape s = Shape.of(w.node());
        int lanes = w.lanes();
        // Columns per block: whole vectors, the last block taking what is left.
        int vectors = (s.n() + lanes - 1) / lanes;
        int block = (vectors + BLOCKS_PER_ROW - 1) / BLOCKS_PER_ROW * lanes;
        int blocks = (s.n() + block - 1) / block;
        w.work(s.m() * blocks);
        w.cost(2L * s.m() * s.n() * s.k());
        CodeBlock.Builder b = w.code();
        b.beginControlFlow("for (int item = lo; item < hi; item++)");
        b.add("// Row i of Y, columns j0 .. j1 - 1.\n");
        b.addStatement("int i = item / $L", blocks);
        b.addStatement("int j0 = item % $L * $L", blocks, block);
        b.addStatement("int j1 = Math.min($L, j0 + $L)", s.n(), block);
        b.addStatement("int ar = ao + i * $L", s.k());
        b.addStatement("int yr = yo + i * $L", s.n());
        b.addStatement("java.util.Arrays.fill(y, yr + j0, yr + j1, 0f)");
        b.beginControlFlow("for (int kk = 0; kk < $L; kk++)", s.k());
        b.addStatement("float av = a[ar + kk]");
        b.addStatement("$T x = $T.broadcast(S, av)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        b.addStatement("int br = bo + kk * $L", s.n());
        b.addStatement("int j = j0");
        b.beginControlFlow("for (; j <= j1 - L; j += L)");
        b.addStatement("x.fma($T.fromArray(S, b, br + j), $T.fromArray(S, y, yr + j)).intoArray(y, yr + j)",
                Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        b.endControlFlow();
        b.beginControlFlow("for (; j < j1; j++)");
        b.addStatement("y[yr + j] = Math.fma(av, b[br + j], y[yr + j])");
        b.endControlFlow();
        b.endControlFlow();
        if (s.alpha() != 1f || s.cStrides() != null) {
            b.add("// alpha A B + beta C over the block.\n");
            b.addStatement("int j = j0");
            b.beginControlFlow("for (; j <= j1 - L; j += L)");
            b.addStatement("$L.intoArray(y, yr + j)", s.vector(CodeBlock.of("$T.fromArray(S, y, yr + j)", Vectors.FLOAT_VECTOR), "j"));
            b.endControlFlow();
            b.beginControlFlow("for (; j < j1; j++)");
            b.addStatement("y[yr + j] = $L", s.scalar("y[yr + j]", "j"));
            b.endControlFlow();
        }
        b.endControlFlow();
    }
}
