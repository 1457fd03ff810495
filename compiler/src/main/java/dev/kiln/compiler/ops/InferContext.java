package dev.kiln.compiler.ops;

import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import java.util.Set;

/**
 * The view an {@link OpDef} gets of one node while inferring types or folding:
 * its attributes, input types, constant inputs, and a way to report errors that
 * names the node.
 */
public final class InferContext {
    private final Node node;

    public InferContext(Node node) {
        this.node = node;
    }

    public Node node() {
        return node;
    }

    public Attributes attributes() {
        return node.attributes();
    }

    public int opset() {
        return node.opset();
    }

    /** How many inputs the node lists (omitted optional ones included). */
    public int inputCount() {
        return node.inputCount();
    }

    public boolean hasInput(int i) {
        return node.input(i) != null;
    }

    /** The type of input {@code i}; an error if the input is missing. */
    public TensorType input(int i) {
        Value v = node.input(i);
        if (v == null) {
            throw error("input " + i + " is required but missing");
        }
        if (v.type() == null) {
            throw error("input " + i + " ('" + v.name() + "') has no known type");
        }
        return v.type();
    }

    /** The type of input {@code i}, or null when omitted. */
    public TensorType optionalInput(int i) {
        return hasInput(i) ? input(i) : null;
    }

    /** The data of input {@code i} if it is a constant, else null. */
    public Tensor constant(int i) {
        Value v = node.input(i);
        return v == null ? null : v.constant();
    }

    /**
     * The data of input {@code i}, which decides shapes and so must be known at compile
     * time; an error telling the user how to bind it otherwise.
     */
    public Tensor requireConstant(int i, String what) {
        Value v = node.input(i);
        if (v == null) {
            throw error("input " + i + " (" + what + ") is required but missing");
        }
        if (v.constant() == null) {
            String message = "input " + i + " (" + what + ", tensor '" + v.name()
                    + "') decides output shapes, so Kiln needs it at compile time";
            if (v.producer() == null) {
                throw new InputNeededAtCompileTime(error(message + ", but it is a graph input").getMessage(), v.name());
            }
            throw error(message + ", but it is computed at run time");
        }
        return v.constant();
    }

    /** Checks that input {@code i}'s element type is one of {@code allowed}. */
    public ElementType expectType(int i, Set<ElementType> allowed) {
        ElementType t = input(i).elementType();
        if (!allowed.contains(t)) {
            throw error("input " + i + " has element type " + t.onnxName() + ", which this op does not support"
                    + " (supported: " + Types.describe(allowed) + ")");
        }
        return t;
    }

    /** Checks that inputs {@code i} and {@code j} have the same element type. */
    public void expectSameType(int i, int j) {
        if (input(i).elementType() != input(j).elementType()) {
            throw error("inputs " + i + " and " + j + " must have the same element type, got "
                    + input(i).elementType().onnxName() + " and " + input(j).elementType().onnxName());
        }
    }

    /** An axis attribute or input normalised to [0, rank); an error if out of range. */
    public int axis(long axis, int rank) {
        if (axis < -rank || axis >= Math.max(rank, 1)) {
            throw error("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** An error naming this node, its op and opset. */
    public CompileException error(String message) {
        return new CompileException(node.describe() + " (opset " + node.opset() + "): " + message);
    }
}
