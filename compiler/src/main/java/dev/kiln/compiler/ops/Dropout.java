package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Dropout (opset 7+) in inference: the output is the input and the optional mask
 * is all true. Training mode (opset 12+) is accepted only with a constant ratio of 0,
 * where it drops nothing and so is the same identity (exporters such as PyTorch's emit
 * it for attention dropout); other training modes are refused. The RemoveIdentities
 * pass removes the node.
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
        return "inference, or training mode with ratio 0";
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
            if (mode.getLong(0) != 0 && !dropsNothing(ctx)) {
                throw ctx.error("training mode is supported only with a constant ratio of 0"
                        + " (then it is the identity), but the ratio is " + ratioDescription(ctx));
            }
        }
        List<TensorType> out = new ArrayList<>();
        out.add(ctx.input(0));
        if (ctx.node().outputs().size() > 1) {
            out.add(ctx.node().output(1) == null ? null : ctx.input(0).withElementType(ElementType.BOOL));
        }
        return out;
    }

    /** Whether the ratio input is a constant 0 (training mode then drops no element). */
    private static boolean dropsNothing(InferContext ctx) {
        return ctx.hasInput(1) && ctx.constant(1) != null && ctx.constant(1).getDouble(0) == 0;
    }

    private static String ratioDescription(InferContext ctx) {
        if (!ctx.hasInput(1)) {
            return "the default 0.5";
        }
        return ctx.constant(1) == null ? "computed at run time" : Double.toString(ctx.constant(1).getDouble(0));
    }
}
