package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/** Size (opset 1+): the input's element count as an int64 scalar. Always folded. */
public final class Size extends OpDef {
    public Size() {
        super("Size", 1);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public boolean foldsFromTypes() {
        return true;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.input(0);
        return List.of(new TensorType(ElementType.INT64));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        return List.of(Tensor.ofLongs(new long[0], ctx.input(0).size()));
    }
}
