package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/** Where (opset 9+): {@code condition ? X : Y} element-wise, the three inputs broadcast together. */
public final class Where extends OpDef {
    public Where() {
        super("Where", 9);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.BOOL);
        ElementType t = ctx.expectType(1, Types.ALL);
        ctx.expectSameType(1, 2);
        long[] out = Broadcast.shape(ctx.input(0).dims(), ctx.input(1).dims(), ctx.input(2).dims());
        if (out == null) {
            throw ctx.error("cannot broadcast shapes " + ctx.input(0).shapeString() + ", "
                    + ctx.input(1).shapeString() + " and " + ctx.input(2).shapeString());
        }
        return List.of(new TensorType(t, out));
    }
}
