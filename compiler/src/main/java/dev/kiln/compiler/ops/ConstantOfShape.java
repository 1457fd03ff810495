package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/** ConstantOfShape (opset 9+): a tensor of the given shape filled with one value (default float 0). Always folded. */
public final class ConstantOfShape extends OpDef {
    public ConstantOfShape() {
        super("ConstantOfShape", 9);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.INDEX;
    }

    @Override
    public boolean isStaticInput(Node node, int index) {
        return index == 0;
    }

    private static Tensor fillValue(InferContext ctx) {
        Tensor v = ctx.attributes().getTensor("value");
        if (v == null) {
            return Tensor.scalar(0f);
        }
        if (v.size() != 1) {
            throw ctx.error("value must hold exactly one element, got " + v.type());
        }
        return v;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        long[] dims = ctx.requireConstant(0, "shape").toLongs();
        return List.of(new TensorType(fillValue(ctx).elementType(), dims));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        TensorType type = infer(ctx).get(0);
        Tensor v = fillValue(ctx);
        Object data = type.elementType().storage().newArray(type.intSize());
        for (int i = 0; i < type.intSize(); i++) {
            java.lang.reflect.Array.set(data, i, java.lang.reflect.Array.get(v.data(), 0));
        }
        return List.of(new Tensor(type, data));
    }
}
