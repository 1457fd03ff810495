package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/** Gemm (opset 7+, C optional from 11): Y = alpha * A' B' + beta * C, C broadcast to [M, N]. */
public final class Gemm extends OpDef {
    public Gemm() {
        super("Gemm", 7);
    }

    public record Params(int m, int k, int n, boolean transA, boolean transB, float alpha, float beta) {
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.NUMERIC;
    }

    public static Params params(Node node) {
        return params(new InferContext(node));
    }

    static Params params(InferContext ctx) {
        TensorType a = ctx.input(0);
        TensorType b = ctx.input(1);
        if (a.rank() != 2 || b.rank() != 2) {
            throw ctx.error("A " + a.shapeString() + " and B " + b.shapeString() + " must be matrices");
        }
        boolean transA = ctx.attributes().getInt("transA", 0) != 0;
        boolean transB = ctx.attributes().getInt("transB", 0) != 0;
        long m = transA ? a.dim(1) : a.dim(0);
        long k = transA ? a.dim(0) : a.dim(1);
        long kb = transB ? b.dim(1) : b.dim(0);
        long n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw ctx.error("inner dimensions differ: A " + a.shapeString() + (transA ? "ᵀ" : "") + ", B "
                    + b.shapeString() + (transB ? "ᵀ" : ""));
        }
        return new Params((int) m, (int) k, (int) n, transA, transB,
                ctx.attributes().getFloat("alpha", 1f), ctx.attributes().getFloat("beta", 1f));
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, Types.NUMERIC);
        ctx.expectSameType(0, 1);
        Params p = params(ctx);
        if (ctx.hasInput(2)) {
            ctx.expectSameType(0, 2);
            long[] c = ctx.input(2).dims();
            if (c.length > 2 || Broadcast.shape(c, new long[] {p.m(), p.n()}) == null
                    || !java.util.Arrays.equals(Broadcast.shape(c, new long[] {p.m(), p.n()}),
                    new long[] {p.m(), p.n()})) {
                throw ctx.error("C " + ctx.input(2).shapeString() + " does not broadcast to [" + p.m() + "," + p.n() + "]");
            }
        }
        return List.of(new TensorType(t, p.m(), p.n()));
    }

    @Override
    public long macs(Node node) {
        Params p = params(node);
        return (long) p.m() * p.n() * p.k();
    }
}
