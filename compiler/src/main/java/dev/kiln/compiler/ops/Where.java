package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.lang.reflect.Array;
import java.util.List;
import java.util.Set;

/**
 * Where (opset 9+): {@code condition ? X : Y} element-wise, the three inputs broadcast
 * together. Folded on constants, as exporters use it in shape computations.
 */
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

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor cond = ctx.constant(0);
        Tensor x = ctx.constant(1);
        Tensor y = ctx.constant(2);
        long[] out = Broadcast.shape(cond.type().dims(), x.type().dims(), y.type().dims());
        long[] sc = Broadcast.strides(cond.type().dims(), out);
        long[] sx = Broadcast.strides(x.type().dims(), out);
        long[] sy = Broadcast.strides(y.type().dims(), out);
        TensorType outType = new TensorType(x.elementType(), out);
        int n = outType.intSize();
        Object data = x.elementType().storage().newArray(n);
        boolean[] c = (boolean[]) cond.data();
        for (int i = 0; i < n; i++) {
            boolean pick = c[(int) Broadcast.sourceIndex(i, out, sc)];
            Object v = pick ? Array.get(x.data(), (int) Broadcast.sourceIndex(i, out, sx))
                    : Array.get(y.data(), (int) Broadcast.sourceIndex(i, out, sy));
            Array.set(data, i, v);
        }
        return List.of(new Tensor(outType, data));
    }
}
