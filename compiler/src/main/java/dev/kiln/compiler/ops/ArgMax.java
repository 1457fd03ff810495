package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * ArgMax (opset 1+; select_last_index from 12): the int64 index of the largest
 * element along {@code axis}, the first one on ties unless select_last_index.
 */
public final class ArgMax extends OpDef {
    public ArgMax() {
        super("ArgMax", 1);
    }

    /**
     * The input as {@code outer} blocks of {@code extent} x {@code inner} elements, searched along extent.
     *
     * @param lastIndex whether ties go to the last index (select_last_index)
     */
    public record Params(int outer, int extent, int inner, boolean lastIndex) {
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.NUMERIC;
    }

    @Override
    public String notes() {
        return "a NaN is the maximum only where it comes first (as in ONNX Runtime)";
    }

    public static Params params(Node node) {
        return params(new InferContext(node));
    }

    static Params params(InferContext ctx) {
        TensorType x = ctx.input(0);
        int axis = ctx.axis(ctx.attributes().getInt("axis", 0), x.rank());
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= x.dim(i);
        }
        long extent = x.dim(axis);
        if (extent == 0) {
            throw ctx.error("ArgMax along an empty axis " + axis + " of " + x.shapeString() + " has no answer");
        }
        boolean last = ctx.attributes().getInt("select_last_index", 0) != 0;
        return new Params((int) outer, (int) extent, (int) (x.size() / (outer * extent)), last);
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.NUMERIC);
        params(ctx);
        TensorType x = ctx.input(0);
        int axis = ctx.axis(ctx.attributes().getInt("axis", 0), x.rank());
        boolean keepDims = ctx.attributes().getInt("keepdims", 1) != 0;
        long[] out = new long[keepDims ? x.rank() : x.rank() - 1];
        for (int i = 0, n = 0; i < x.rank(); i++) {
            if (i != axis) {
                out[n++] = x.dim(i);
            } else if (keepDims) {
                out[n++] = 1;
            }
        }
        return List.of(new TensorType(ElementType.INT64, out));
    }
}
