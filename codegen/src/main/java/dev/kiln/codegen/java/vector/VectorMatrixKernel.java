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
 * is reading them, so B is read in the order it lies in memory, from its first float to
 * its last: for each k, B's row k updates all of Y's row, {@code y[i, j] += a[i, k] *
 * B[k, j]}, which stays in the L1 cache while k runs. A work item is one row of Y: the
 * head's single row runs on one thread. Split into blocks of columns, it read B in
 * strided runs and took longer on one thread than whole rows (cold caches, 1536 x 1600:
 * 0.8 ms in blocks of 32 columns, 0.75 ms in two blocks, 0.51 ms whole, Temurin 25;
 * 0.95, 1.1 and 0.67 ms on JDK 17), and two threads sharing the memory bandwidth gain
 * little. Each output sums its k in order. Then alpha, and beta times C.
 */
public final class VectorMatrixKernel implements JavaKernel {
    @Override
    public String vectorScope(String op) {
        return op.equals("Gemm") ? "float, no transposed operand" : "float, 2-D";
    }

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
        w.work(s.m());
        w.cost(2L * s.m() * s.n() * s.k());
        CodeBlock.Builder b = w.code();
        b.beginControlFlow("for (int i = lo; i < hi; i++)");
        b.addStatement("int ar = ao + i * $L", s.k());
        b.addStatement("int yr = yo + i * $L", s.n());
        b.addStatement("java.util.Arrays.fill(y, yr, yr + $L, 0f)", s.n());
        b.beginControlFlow("for (int kk = 0; kk < $L; kk++)", s.k());
        b.addStatement("float av = a[ar + kk]");
        b.addStatement("$T x = $T.broadcast(S, av)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        b.addStatement("int br = bo + kk * $L", s.n());
        int whole = s.n() / w.lanes() * w.lanes();
        b.beginControlFlow("for (int j = 0; j < $L; j += L)", whole);
        b.addStatement("x.fma($T.fromArray(S, b, br + j), $T.fromArray(S, y, yr + j)).intoArray(y, yr + j)",
                Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        b.endControlFlow();
        if (whole < s.n()) {
            b.beginControlFlow("for (int j = $L; j < $L; j++)", whole, s.n());
            b.addStatement("y[yr + j] = Math.fma(av, b[br + j], y[yr + j])");
            b.endControlFlow();
        }
        b.endControlFlow();
        if (s.alpha() != 1f || s.cStrides() != null) {
            b.add("// alpha A B + beta C.\n");
            b.beginControlFlow("for (int j = 0; j < $L; j += L)", whole);
            b.addStatement("$L.intoArray(y, yr + j)", s.vector(CodeBlock.of("$T.fromArray(S, y, yr + j)", Vectors.FLOAT_VECTOR), "j"));
            b.endControlFlow();
            if (whole < s.n()) {
                b.beginControlFlow("for (int j = $L; j < $L; j++)", whole, s.n());
                b.addStatement("y[yr + j] = $L", s.scalar("y[yr + j]", "j"));
                b.endControlFlow();
            }
        }
        b.endControlFlow();
    }
}
