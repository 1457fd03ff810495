package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.Attribute;
import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;

/**
 * An element-wise activation that a fused op applies to its result: the ONNX op
 * it stands for and that op's float attributes. Kept on fused nodes as the
 * attributes {@code activation}, {@code activation_alpha} and {@code activation_beta}.
 *
 * @param opType "Relu", "HardSwish", "HardSigmoid", "LeakyRelu", "Sigmoid", "Tanh", "Gelu", "Clip"
 * @param alpha HardSigmoid/LeakyRelu alpha, Clip's min
 * @param beta HardSigmoid beta, Clip's max
 */
public record Activation(String opType, float alpha, float beta) {

    /** Whether a node of this op (with constant Clip bounds) can become an activation. */
    public static boolean isFusible(Node node) {
        if (!node.domain().isEmpty()) {
            return false;
        }
        return switch (node.opType()) {
            case "Relu", "HardSwish", "HardSigmoid", "LeakyRelu", "Sigmoid", "Tanh" -> true;
            case "Gelu" -> node.attributes().getString("approximate", "none").equals("none");
            // An absent bound is the type's lowest or highest finite value (as the Clip kernel
            // has it); the fused form stores float bounds, so it takes absent ones on float only.
            case "Clip" -> node.opset() >= 11
                    && (node.input(1) == null ? isFloat(node) : node.input(1).isConstant())
                    && (node.input(2) == null ? isFloat(node) : node.input(2).isConstant());
            default -> false;
        };
    }

    private static boolean isFloat(Node node) {
        return node.output(0).type() != null && node.output(0).type().elementType() == ElementType.FLOAT;
    }

    /** The activation a fusible node computes, its attributes read with the op's defaults. */
    public static Activation of(Node node) {
        return switch (node.opType()) {
            case "HardSigmoid" -> new Activation("HardSigmoid", attribute(node, "alpha"), attribute(node, "beta"));
            case "LeakyRelu" -> new Activation("LeakyRelu", attribute(node, "alpha"), 0);
            case "Clip" -> new Activation("Clip",
                    node.input(1) == null ? -Float.MAX_VALUE : (float) node.input(1).constant().getDouble(0),
                    node.input(2) == null ? Float.MAX_VALUE : (float) node.input(2).constant().getDouble(0));
            default -> new Activation(node.opType(), 0, 0);
        };
    }

    /** A float attribute of a unary activation op, or the default its op declares. */
    private static float attribute(Node node, String name) {
        return ((UnaryOp) OpRegistry.standard().get(node)).attribute(node, name);
    }

    /** The activation stored on a fused node, or null if it has none. */
    public static Activation read(Node node) {
        String type = node.attributes().getString("activation", "");
        return type.isEmpty() ? null : new Activation(type,
                node.attributes().getFloat("activation_alpha", 0), node.attributes().getFloat("activation_beta", 0));
    }

    /** Stores this activation on a fused node's attributes. */
    public void writeTo(Attributes attributes) {
        attributes.set(Attribute.of("activation", opType));
        attributes.set(Attribute.of("activation_alpha", alpha));
        attributes.set(Attribute.of("activation_beta", beta));
    }

    @Override
    public String toString() {
        return switch (opType) {
            case "HardSigmoid" -> "HardSigmoid(alpha=" + alpha + ", beta=" + beta + ")";
            case "LeakyRelu" -> "LeakyRelu(alpha=" + alpha + ")";
            case "Clip" -> "Clip(" + alpha + ", " + beta + ")";
            default -> opType;
        };
    }
}
