package dev.kiln.runtime;

/**
 * The name, element type and shape of a model input or output, as a generated
 * model publishes them. Immutable.
 */
public final class TensorInfo {
    private final String name;
    private final String elementType;
    private final long[] shape;

    /**
     * @param elementType the ONNX type name: "float", "int64", "bool", "float16"...
     */
    public TensorInfo(String name, String elementType, long[] shape) {
        this.name = name;
        this.elementType = elementType;
        this.shape = shape.clone();
    }

    /** The tensor's name in the ONNX model. */
    public String name() {
        return name;
    }

    /** The ONNX element type name, like "float" or "int64". */
    public String elementType() {
        return elementType;
    }

    /** A copy of the dimensions. */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements: the length of the Java array that holds this tensor. */
    public int size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return (int) n;
    }

    /** Like {@code input: float[1,3,224,224]}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(name).append(": ").append(elementType).append('[');
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return s.append(']').toString();
    }
}
