package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Softmax, LogSoftmax and Hardmax. From opset 13 they work along one axis (default
 * -1); before, the input is seen as a matrix [d0*..*d(axis-1), d(axis)*..] (axis
 * default 1) and they work along its rows.
 */
public final class Softmax extends OpDef {
    public Softmax(String opType) {
        super(opType, 1);
    }

    /** The op as rows: {@code outer} blocks of {@code extent} x {@code inner} elements, reduced along extent. */
    public record Params(int outer, int extent, int inner) {
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.FLOATS;
    }

    public static Params params(Node node) {
        return params(new InferContext(node));
    }

    static Params params(InferContext ctx) {
        TensorType x = ctx.input(0);
        boolean perAxis = ctx.opset() >= 13;
        int axis = ctx.axis(ctx.attributes().getInt("axis", perAxis ? -1 : 1), x.rank());
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= x.dim(i);
        }
        if (perAxis) {
            long extent = x.rank() == 0 ? 1 : x.dim(axis);
            return new Params((int) outer, (int) extent, (int) (x.size() / Math.max(1, outer * extent)));
        }
        return new Params((int) outer, (int) (x.size() / Math.max(1, outer)), 1);
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.FLOATS);
        params(ctx);
        return List.of(ctx.input(0));
    }
}
