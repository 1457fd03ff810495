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
 * 2-D float MatMul and Gemm (A not transposed), a vector at a time: the classifier
 * heads, where one row of A meets megabytes of weights and the work is reading them.
 * A work item is one row of Y and a block of {@link #BLOCK} vectors of its columns, so
 * that even a single row spreads over every thread.
 *
 * <ul>
 *   <li>B as [K, N] (MatMul, Gemm without transB): each of the block's accumulators
 *       takes {@code a[i, k] * B[k, j..j+L)} for every k, a contiguous run of B's row.
 *   <li>B as [N, K] (Gemm with transB, a Linear layer's weight): each column j of the
 *       block is a dot product of A's row with B's row j, a vector of k at a time, summed
 *       across lanes at the end.
 * </ul>
 *
 * Then alpha, and beta times C. Columns past the last whole block run one at a time.
 */
public final class VectorMatrixKernel implements JavaKernel {
    /** Vectors of output columns per work item (B as [K, N]); columns per item with B as [N, K]. */
    static final int BLOCK = 4;

    @Override
    public boolean handles(Node node) {
        if (node.output().type().elementType() != ElementType.FLOAT || node.input(0).type().rank() != 2
                || node.input(1).type().rank() != 2) {
            return false;
        }
        if (node.is("MatMul")) {
            return true;
        }
        Shape s = Shape.of(node);
        // C broadcast along the columns other than as a row of N or a single value: the scalar kernel.
        return !Gemm.params(node).transA() && (s.cStrides() == null || s.cStrides()[1] <= 1);
    }

    /**
     * The product's geometry, Gemm's or MatMul's; {@code cStrides}, C's strides along Y's rows
     * and columns (0 where it broadcasts), null without a C term.
     */
    private record Shape(int m, int k, int n, boolean transB, float alpha, float beta, long[] cStrides) {
        static Shape of(Node node) {
            if (node.is("Gemm")) {
                Gemm.Params p = Gemm.params(node);
                boolean c = node.inputCount() > 2 && node.input(2) != null && p.beta() != 0f;
                return new Shape(p.m(), p.k(), p.n(), p.transB(), p.alpha(), p.beta(),
                        c ? Broadcast.strides(node.input(2).type().dims(), new long[] {p.m(), p.n()}) : null);
            }
            long[] a = node.input(0).type().dims();
            long[] b = node.input(1).type().dims();
            return new Shape((int) a[0], (int) a[1], (int) b[1], false, 1f, 0f, null);
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
        CodeBlock vector(String v, String j) {
            CodeBlock value = alpha == 1f ? CodeBlock.of("$L", v)
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
        int columnsPerItem = s.transB() ? BLOCK : BLOCK * lanes;
        int blocks = s.n() / columnsPerItem;
        boolean tail = s.n() % columnsPerItem != 0;
        int itemsPerRow = blocks + (tail ? 1 : 0);
        w.work(s.m() * itemsPerRow);
        w.cost(2L * s.m() * s.n() * s.k());
        CodeBlock.Builder b = w.code();
        b.beginControlFlow("for (int item = lo; item < hi; item++)");
        b.addStatement("int i = item / $L", itemsPerRow);
        b.addStatement("int block = item % $L", itemsPerRow);
        b.addStatement("int ar = ao + i * $L", s.k());
        b.addStatement("int yr = yo + i * $L", s.n());
        if (tail) {
            b.beginControlFlow("if (block == $L)", blocks);
            b.add("// Columns $L to $L, past the last whole block, one at a time.\n", blocks * columnsPerItem, s.n() - 1);
            b.beginControlFlow("for (int j = $L; j < $L; j++)", blocks * columnsPerItem, s.n());
            b.addStatement("float sum = 0f");
            b.beginControlFlow("for (int kk = 0; kk < $L; kk++)", s.k());
            b.addStatement("sum += a[ar + kk] * b[bo + $L]", s.transB() ? "j * " + s.k() + " + kk" : "kk * " + s.n() + " + j");
            b.endControlFlow();
            b.addStatement("y[yr + j] = $L", s.scalar("sum", "j"));
            b.endControlFlow();
            b.addStatement("continue");
            b.endControlFlow();
        }
        if (s.transB()) {
            dotProducts(b, s);
        } else {
            rowUpdates(b, s);
        }
        b.endControlFlow();
    }

    /** B as [K, N]: {@link #BLOCK} vector accumulators over k. */
    private static void rowUpdates(CodeBlock.Builder b, Shape s) {
        b.addStatement("int j0 = block * $L * L", BLOCK);
        b.addStatement("$T s0 = $T.zero(S)$L", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR, others("s"));
        b.beginControlFlow("for (int kk = 0; kk < $L; kk++)", s.k());
        b.addStatement("$T x = $T.broadcast(S, a[ar + kk])", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        b.addStatement("int br = bo + kk * $L + j0", s.n());
        for (int v = 0; v < BLOCK; v++) {
            b.addStatement("s$L = x.fma($T.fromArray(S, b, br$L), s$L)", v, Vectors.FLOAT_VECTOR,
                    v == 0 ? "" : " + " + v + " * L", v);
        }
        b.endControlFlow();
        for (int v = 0; v < BLOCK; v++) {
            String j = v == 0 ? "j0" : "j0 + " + v + " * L";
            b.addStatement("$L.intoArray(y, yr + $L)", s.vector("s" + v, j), j);
        }
    }

    /** B as [N, K]: {@link #BLOCK} dot products, each a vector accumulator over k, then summed across lanes. */
    private static void dotProducts(CodeBlock.Builder b, Shape s) {
        b.addStatement("int j0 = block * $L", BLOCK);
        b.addStatement("$T d0 = $T.zero(S)$L", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR, others("d"));
        b.addStatement("int kk = 0");
        b.beginControlFlow("for (; kk <= $L - L; kk += L)", s.k());
        b.addStatement("$T x = $T.fromArray(S, a, ar + kk)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        for (int c = 0; c < BLOCK; c++) {
            b.addStatement("d$L = x.fma($T.fromArray(S, b, bo + (j0$L) * $L + kk), d$L)", c, Vectors.FLOAT_VECTOR,
                    c == 0 ? "" : " + " + c, s.k(), c);
        }
        b.endControlFlow();
        for (int c = 0; c < BLOCK; c++) {
            b.addStatement("float sum$L = d$L.reduceLanes($T.ADD)", c, c, Vectors.OPERATORS);
        }
        b.add("// The last k that do not fill a vector.\n");
        b.beginControlFlow("for (; kk < $L; kk++)", s.k());
        b.addStatement("float av = a[ar + kk]");
        for (int c = 0; c < BLOCK; c++) {
            b.addStatement("sum$L += av * b[bo + (j0$L) * $L + kk]", c, c == 0 ? "" : " + " + c, s.k());
        }
        b.endControlFlow();
        for (int c = 0; c < BLOCK; c++) {
            String j = c == 0 ? "j0" : "j0 + " + c;
            b.addStatement("y[yr + $L] = $L", j, s.scalar("sum" + c, j));
        }
    }

    /** {@code ", p1 = p0, p2 = p0, ..."}: the other accumulators, starting from the first's zero. */
    private static String others(String prefix) {
        StringBuilder b = new StringBuilder();
        for (int v = 1; v < BLOCK; v++) {
            b.append(", ").append(prefix).append(v).append(" = ").append(prefix).append("0");
        }
        return b.toString();
    }
}
