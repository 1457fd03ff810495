package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * ScatterND (opset 11+): a copy of data where the slices addressed by the last axis of
 * indices are replaced by (or, with {@code reduction}, combined with) slices of updates.
 * Each index row {@code indices[..., :]} holds k coordinates into the first k axes of data
 * (negative ones count from the end); updates has shape {@code indices.shape[:-1] + data.shape[k:]}.
 * Rows are applied in order, so a repeated index keeps the last update (or combines them all).
 * Folded on constants without a reduction: exporters build attention masks with it.
 */
public final class ScatterND extends OpDef {
    /** How an update combines with the element it lands on. */
    public enum Reduction { NONE, ADD, MUL, MAX, MIN }

    public ScatterND() {
        super("ScatterND", 11);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public String notes() {
        return "reduction add/mul (opset 16+), max/min (opset 18+)";
    }

    /** The reduction attribute of this node. */
    public static Reduction reduction(Node node) {
        return reduction(new InferContext(node));
    }

    private static Reduction reduction(InferContext ctx) {
        String name = ctx.attributes().getString("reduction", "none");
        Reduction r = switch (name) {
            case "none" -> Reduction.NONE;
            case "add" -> Reduction.ADD;
            case "mul" -> Reduction.MUL;
            case "max" -> Reduction.MAX;
            case "min" -> Reduction.MIN;
            default -> throw ctx.error("attribute reduction='" + name + "' is not one of none, add, mul, max, min");
        };
        int since = r == Reduction.NONE ? 11 : r == Reduction.ADD || r == Reduction.MUL ? 16 : 18;
        if (ctx.opset() < since) {
            throw ctx.error("attribute reduction='" + name + "' needs opset " + since + " or newer");
        }
        return r;
    }

    /** k: how many leading axes of data one index row addresses. */
    public static int indexDepth(Node node) {
        TensorType indices = node.input(1).type();
        return (int) indices.dim(indices.rank() - 1);
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, Types.ALL);
        ctx.expectType(1, Set.of(ElementType.INT64));
        ctx.expectSameType(0, 2);
        if (reduction(ctx) != Reduction.NONE && !Types.NUMERIC.contains(t)) {
            throw ctx.error("a reduction needs numeric data, got " + t.onnxName());
        }
        TensorType data = ctx.input(0);
        TensorType indices = ctx.input(1);
        TensorType updates = ctx.input(2);
        if (indices.rank() < 1) {
            throw ctx.error("indices must have rank 1 or more, got a scalar");
        }
        long k = indices.dim(indices.rank() - 1);
        if (k < 1 || k > data.rank()) {
            throw ctx.error("the last dimension of indices " + indices.shapeString() + " must be in [1, "
                    + data.rank() + "] for data " + data.shapeString());
        }
        long[] expected = new long[indices.rank() - 1 + data.rank() - (int) k];
        int o = 0;
        for (int d = 0; d < indices.rank() - 1; d++) {
            expected[o++] = indices.dim(d);
        }
        for (int d = (int) k; d < data.rank(); d++) {
            expected[o++] = data.dim(d);
        }
        if (!Arrays.equals(expected, updates.dims())) {
            throw ctx.error("updates has shape " + updates.shapeString() + " but data " + data.shapeString()
                    + " and indices " + indices.shapeString() + " need " + TensorType.formatDims(expected));
        }
        return List.of(data);
    }

    /** The element offset in data of index row {@code row}; an error if a coordinate is out of range. */
    private static int rowOffset(InferContext ctx, long[] indices, int row, int k, long[] dims, long slice) {
        long offset = 0;
        for (int d = 0; d < k; d++) {
            long i = indices[row * k + d];
            if (i < -dims[d] || i >= dims[d]) {
                throw ctx.error("index " + i + " is out of range for axis " + d + " of size " + dims[d]);
            }
            offset = offset * dims[d] + (i < 0 ? i + dims[d] : i);
        }
        return (int) (offset * slice);
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        if (reduction(ctx) != Reduction.NONE) {
            return null; // reductions are left to the kernel: shape computations do not use them
        }
        Tensor data = ctx.constant(0);
        long[] indices = ctx.constant(1).toLongs();
        Tensor updates = ctx.constant(2);
        long[] dims = data.type().dims();
        int k = indexDepth(ctx.node());
        long slice = 1;
        for (int d = k; d < dims.length; d++) {
            slice *= dims[d];
        }
        Object out = data.elementType().storage().newArray(data.size());
        System.arraycopy(data.data(), 0, out, 0, data.size());
        for (int r = 0; r < indices.length / k; r++) {
            System.arraycopy(updates.data(), (int) (r * slice), out, rowOffset(ctx, indices, r, k, dims, slice),
                    (int) slice);
        }
        return List.of(new Tensor(data.type(), out));
    }
}
