package dev.kiln.compiler.ir;

/**
 * A value in SSA form: produced once (by a node, as a graph input, or as a
 * constant) and read by any number of nodes. Its type is set by shape inference.
 * A value with {@link #constant()} holds data known at compile time.
 */
public final class Value {
    private final String name;
    private TensorType type;
    private Tensor constant;
    private Node producer;

    public Value(String name, TensorType type) {
        this.name = name;
        this.type = type;
    }

    /** A value holding constant data. */
    public static Value constant(String name, Tensor data) {
        Value v = new Value(name, data.type());
        v.constant = data;
        return v;
    }

    /** The tensor name from the model (or one a pass made up); for messages and reports only. */
    public String name() {
        return name;
    }

    /** The inferred type, or null before shape inference reached this value. */
    public TensorType type() {
        return type;
    }

    public void setType(TensorType type) {
        this.type = type;
    }

    public boolean isConstant() {
        return constant != null;
    }

    public Tensor constant() {
        return constant;
    }

    /** Makes this value a compile-time constant, as folding does. */
    public void setConstant(Tensor data) {
        this.constant = data;
        this.type = data.type();
        this.producer = null;
    }

    /** The node that computes this value, or null for graph inputs and constants. */
    public Node producer() {
        return producer;
    }

    void setProducer(Node node) {
        this.producer = node;
    }

    @Override
    public String toString() {
        return "%" + name + (type == null ? "" : ":" + type);
    }
}
