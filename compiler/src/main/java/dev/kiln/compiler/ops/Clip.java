package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Clip (opset 6+): {@code min(max(x, lo), hi)}, so when lo > hi every element becomes hi,
 * as the spec says. Up to opset 10 the bounds are the float attributes {@code min} and
 * {@code max}; from opset 11 they are optional scalar inputs 1 and 2, read at run time.
 * An absent bound is the type's lowest or highest finite value (so infinities clip, as in
 * ONNX Runtime). Opset 12 adds the integer types.
 */
public final class Clip extends OpDef {
    public Clip() {
        super("Clip", 6);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.NUMERIC;
    }

    @Override
    public String notes() {
        return "integer types from opset 12";
    }

    /** Whether this node's bounds are attributes (opset 6 to 10) rather than inputs. */
    public static boolean boundsAreAttributes(InferContext ctx) {
        return ctx.opset() < 11;
    }

    /** The attribute bound of an opset 6-10 node; the spec's defaults are the float limits. */
    public static float attributeBound(InferContext ctx, String name) {
        return ctx.attributes().getFloat(name, name.equals("min") ? -Float.MAX_VALUE : Float.MAX_VALUE);
    }

    /** The largest finite value of a float type: the default upper bound (its negation, the lower). */
    public static double largestFinite(ElementType t) {
        return switch (t) {
            case FLOAT -> Float.MAX_VALUE;
            case DOUBLE -> Double.MAX_VALUE;
            case FLOAT16 -> 65504;
            case BFLOAT16 -> 3.3895313892515355E38;
            default -> throw new IllegalArgumentException("not a float type: " + t);
        };
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        TensorType x = ctx.input(0);
        ctx.expectType(0, ctx.opset() < 12 ? Types.FLOATS : Types.NUMERIC);
        if (boundsAreAttributes(ctx)) {
            attributeBound(ctx, "min");
            attributeBound(ctx, "max");
        } else {
            for (int i = 1; i < ctx.inputCount(); i++) {
                TensorType bound = ctx.optionalInput(i);
                if (bound != null) {
                    ctx.expectSameType(0, i);
                    if (bound.size() != 1) {
                        throw ctx.error("input " + i + " (" + (i == 1 ? "min" : "max") + ") must be a scalar, got "
                                + bound.shapeString());
                    }
                }
            }
        }
        return List.of(x);
    }
}
