package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Slice (opset 1+; starts, ends, axes and steps are inputs from 10): takes every
 * step-th element from start (inclusive) to end (exclusive) along each listed axis.
 */
public final class Slice extends OpDef {
    public Slice() {
        super("Slice", 1);
    }

    /** Per input axis: the first index read, the step, and the output extent. */
    public record Params(long[] start, long[] step, long[] outDims) {
        /** Whether the slice keeps the whole input. */
        public boolean isIdentity(long[] inDims) {
            for (int i = 0; i < inDims.length; i++) {
                if (start[i] != 0 || step[i] != 1 || outDims[i] != inDims[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public boolean isStaticInput(Node node, int index) {
        return index >= 1;
    }

    public static Params params(Node node) {
        return params(new InferContext(node));
    }

    static Params params(InferContext ctx) {
        TensorType x = ctx.input(0);
        int rank = x.rank();
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (ctx.opset() < 10) {
            starts = ctx.attributes().getInts("starts", null);
            ends = ctx.attributes().getInts("ends", null);
            axes = ctx.attributes().getInts("axes", null);
            if (starts == null || ends == null) {
                throw ctx.error("attributes starts and ends are required");
            }
        } else {
            starts = ctx.requireConstant(1, "starts").toLongs();
            ends = ctx.requireConstant(2, "ends").toLongs();
            axes = ctx.hasInput(3) ? ctx.requireConstant(3, "axes").toLongs() : null;
            steps = ctx.hasInput(4) ? ctx.requireConstant(4, "steps").toLongs() : null;
        }
        int n = starts.length;
        if (ends.length != n || (axes != null && axes.length != n) || (steps != null && steps.length != n)) {
            throw ctx.error("starts, ends, axes and steps must have the same length");
        }
        long[] start = new long[rank];
        long[] step = new long[rank];
        long[] out = x.dims();
        java.util.Arrays.fill(step, 1);
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < n; i++) {
            int axis = ctx.axis(axes == null ? i : axes[i], rank);
            if (seen[axis]) {
                throw ctx.error("axis " + axis + " is sliced twice");
            }
            seen[axis] = true;
            long dim = x.dim(axis);
            long s = steps == null ? 1 : steps[i];
            if (s == 0) {
                throw ctx.error("step 0 on axis " + axis);
            }
            long b = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (s > 0) {
                b = clamp(b, 0, dim);
                e = clamp(e, 0, dim);
                out[axis] = e > b ? (e - b + s - 1) / s : 0;
            } else {
                b = clamp(b, 0, dim - 1);
                e = clamp(e, -1, dim - 1);
                out[axis] = b > e ? (b - e - s - 1) / -s : 0;
            }
            start[axis] = out[axis] == 0 ? 0 : b;
            step[axis] = s;
        }
        return new Params(start, step, out);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.ALL);
        return List.of(ctx.input(0).withDims(params(ctx).outDims()));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor x = ctx.constant(0);
        Params p = params(ctx);
        TensorType out = x.type().withDims(p.outDims());
        long[] inStrides = x.type().strides();
        long[] stride = new long[inStrides.length];
        long base = 0;
        for (int d = 0; d < stride.length; d++) {
            stride[d] = inStrides[d] * p.step()[d];
            base += inStrides[d] * p.start()[d];
        }
        Object data = out.elementType().storage().newArray(out.intSize());
        for (int i = 0; i < out.intSize(); i++) {
            System.arraycopy(x.data(), (int) (base + Broadcast.sourceIndex(i, p.outDims(), stride)), data, i, 1);
        }
        return List.of(new Tensor(out, data));
    }
}
