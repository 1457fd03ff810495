package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * MatMul (opset 1+): numpy matmul. 1-D operands are promoted to matrices and the
 * added axis removed again; leading (batch) axes broadcast.
 */
public final class MatMul extends OpDef {
    public MatMul() {
        super("MatMul", 1);
    }

    /**
     * The product as a batch of [m, k] x [k, n] matrices.
     *
     * @param batch the broadcast batch shape
     * @param aBatchStrides per batch axis, the stride (in matrices) of A, 0 where broadcast
     * @param bBatchStrides the same for B
     */
    public record Params(long[] batch, long[] aBatchStrides, long[] bBatchStrides, int m, int k, int n) {
        public long batchCount() {
            long c = 1;
            for (long d : batch) {
                c *= d;
            }
            return c;
        }
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.NUMERIC;
    }

    public static Params params(Node node) {
        return params(new InferContext(node));
    }

    static Params params(InferContext ctx) {
        long[] a = ctx.input(0).dims();
        long[] b = ctx.input(1).dims();
        if (a.length == 0 || b.length == 0) {
            throw ctx.error("MatMul operands must have rank 1 or more");
        }
        long[] a2 = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] b2 = b.length == 1 ? new long[] {b[0], 1} : b;
        long m = a2[a2.length - 2];
        long k = a2[a2.length - 1];
        long n = b2[b2.length - 1];
        if (b2[b2.length - 2] != k) {
            throw ctx.error("inner dimensions differ: A " + ctx.input(0).shapeString() + ", B "
                    + ctx.input(1).shapeString());
        }
        long[] aBatch = java.util.Arrays.copyOf(a2, a2.length - 2);
        long[] bBatch = java.util.Arrays.copyOf(b2, b2.length - 2);
        long[] batch = Broadcast.shape(aBatch, bBatch);
        if (batch == null) {
            throw ctx.error("batch dimensions do not broadcast: A " + ctx.input(0).shapeString() + ", B "
                    + ctx.input(1).shapeString());
        }
        return new Params(batch, Broadcast.strides(aBatch, batch), Broadcast.strides(bBatch, batch),
                Math.toIntExact(m), Math.toIntExact(k), Math.toIntExact(n));
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, Types.NUMERIC);
        ctx.expectSameType(0, 1);
        Params p = params(ctx);
        long[] a = ctx.input(0).dims();
        long[] b = ctx.input(1).dims();
        int rank = p.batch().length + (a.length == 1 ? 0 : 1) + (b.length == 1 ? 0 : 1);
        long[] out = java.util.Arrays.copyOf(p.batch(), rank);
        int i = p.batch().length;
        if (a.length != 1) {
            out[i++] = p.m();
        }
        if (b.length != 1) {
            out[i] = p.n();
        }
        return List.of(new TensorType(t, out));
    }

    @Override
    public long macs(Node node) {
        TensorType a = node.input(0).type();
        return node.output().type().size() * a.dim(a.rank() - 1);
    }
}
