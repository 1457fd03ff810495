package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Dropout (opset 7+) in inference: the output is the input and the optional mask
 * is all true. Training mode is refused. The RemoveIdentities pass removes it.
 */
public final class Dropout extends OpDef {
    public Dropout() {
        super("Dropout", 7);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.FLOATS;
    }

    @Override
    public String notes() {
        return "inference only";
    }

    @Override
    public boolean isStaticInput(Node node, int index) {
        return index >= 1;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.FLOATS);
        if (ctx.hasInput(2)) {
            var mode = ctx.requireConstant(2, "training_mode");
            if (mode.getLong(0) != 0) {
                throw ctx.error("training mode is not supported");
            }
        }
        List<TensorType> out = new ArrayList<>();
        out.add(ctx.input(0));
        if (ctx.node().outputs().size() > 1) {
            out.add(ctx.node().output(1) == null ? null : ctx.input(0).withElementType(ElementType.BOOL));
        }
        return out;
    }
}
