package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/** GlobalAveragePool and GlobalMaxPool (opset 1+): [N, C, spatial...] to [N, C, 1...]. */
public final class GlobalPool extends OpDef {
    public GlobalPool(String opType) {
        super(opType, 1);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.FLOATS;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.FLOATS);
        TensorType x = ctx.input(0);
        if (x.rank() < 3) {
            throw ctx.error("input " + x.shapeString() + " must have rank 3 or more (N, C, spatial...)");
        }
        long[] out = x.dims();
        for (int i = 2; i < out.length; i++) {
            out[i] = 1;
        }
        return List.of(x.withDims(out));
    }
}
