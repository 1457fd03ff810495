package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.TensorType;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * PRelu: {@code y = x < 0 ? slope * x : x}, with {@code slope} broadcast to the shape
 * of {@code x} (unidirectional broadcasting, since opset 7; integer types since 9).
 */
final class PRelu extends OpDef {
    private static final Set<ElementType> TYPES = Types.union(Types.FLOATS, EnumSet.of(
            ElementType.INT32, ElementType.INT64, ElementType.UINT32, ElementType.UINT64));

    PRelu() {
        super("PRelu", 7);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return TYPES;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, TYPES);
        if (t.isInteger() && ctx.opset() < 9) {
            throw ctx.error("input 0 has element type " + t.onnxName() + ", which PRelu accepts only from opset 9");
        }
        ctx.expectSameType(0, 1);
        long[] x = ctx.input(0).dims();
        long[] slope = ctx.input(1).dims();
        long[] broadcast = Broadcast.shape(x, slope);
        if (broadcast == null || !Arrays.equals(broadcast, x)) {
            throw ctx.error("slope of shape " + ctx.input(1).shapeString()
                    + " does not broadcast to the shape of X " + ctx.input(0).shapeString());
        }
        return List.of(ctx.input(0));
    }
}
