package dev.kiln.compiler.ir;

import java.util.Arrays;

/**
 * The element type and the concrete shape of a value. Kiln specialises on
 * shapes, so every dimension is a known number once inputs are bound.
 */
public final class TensorType {
    private final ElementType elementType;
    private final long[] dims;

    public TensorType(ElementType elementType, long... dims) {
        this.elementType = elementType;
        this.dims = dims.clone();
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
        }
    }

    public ElementType elementType() {
        return elementType;
    }

    /** A copy of the dimensions. */
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** Dimension {@code axis}; negative axes count from the end. */
    public long dim(int axis) {
        return dims[axis < 0 ? axis + dims.length : axis];
    }

    /** Dimension {@code axis} as an int, for loops in kernels. */
    public int intDim(int axis) {
        return Math.toIntExact(dim(axis));
    }

    /** The number of elements. */
    public long size() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The number of elements as an int (Java arrays are int-indexed). */
    public int intSize() {
        long n = size();
        if (n > Integer.MAX_VALUE) {
            throw new ArithmeticException("tensor of " + n + " elements is too large for a Java array");
        }
        return (int) n;
    }

    /** Row-major strides in elements. */
    public long[] strides() {
        long[] s = new long[dims.length];
        long step = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = step;
            step *= dims[i];
        }
        return s;
    }

    public TensorType withDims(long... newDims) {
        return new TensorType(elementType, newDims);
    }

    public TensorType withElementType(ElementType t) {
        return new TensorType(t, dims);
    }

    /** Whether both have the same dimensions (element types aside). */
    public boolean sameShape(TensorType other) {
        return Arrays.equals(dims, other.dims);
    }

    /** Like {@code [1,3,224,224]}. */
    public String shapeString() {
        return formatDims(dims);
    }

    public static String formatDims(long[] dims) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            s.append(i == 0 ? "" : ",").append(dims[i]);
        }
        return s.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorType t && t.elementType == elementType && Arrays.equals(t.dims, dims);
    }

    @Override
    public int hashCode() {
        return elementType.hashCode() * 31 + Arrays.hashCode(dims);
    }

    /** Like {@code float[1,3,224,224]}. */
    @Override
    public String toString() {
        return elementType.onnxName() + shapeString();
    }
}
