package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Kiln's fused convolution (domain {@code dev.kiln}): Y = act(Conv(X, W) + B) + R,
 * so that the result is written once. Inputs X, W, B (optional), R (optional,
 * the residual, of Y's shape); Conv's attributes plus an {@link Activation}.
 * Made by the FuseConvActivation and FuseConvResidual passes.
 */
public final class FusedConv extends OpDef {
    public static final String OP_TYPE = "FusedConv";

    public FusedConv() {
        super(OP_TYPE, Node.KILN_DOMAIN, 1, 1);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.FLOATS;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        TensorType y = new Conv().infer(ctx).get(0);
        if (ctx.hasInput(3)) {
            ctx.expectSameType(0, 3);
            if (!ctx.input(3).sameShape(y)) {
                throw ctx.error("residual " + ctx.input(3).shapeString() + " must have the output's shape " + y.shapeString());
            }
        }
        return List.of(y);
    }
}
