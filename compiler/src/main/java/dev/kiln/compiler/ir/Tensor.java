package dev.kiln.compiler.ir;

import dev.kiln.runtime.Half;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Objects;

/**
 * A constant tensor: initializers, Constant nodes, folded values. The data is a
 * Java array of the type's {@link Storage}, row-major. Instances are treated as
 * immutable once built: passes make new tensors instead of changing one.
 */
public final class Tensor {
    private final TensorType type;
    private final Object data;

    public Tensor(TensorType type, Object data) {
        Storage storage = type.elementType().storage();
        if (storage == null) {
            throw new IllegalArgumentException("no storage for element type " + type.elementType());
        }
        if (data.getClass() != storage.newArray(0).getClass()) {
            throw new IllegalArgumentException("data of " + data.getClass().getSimpleName() + " for " + type);
        }
        if (Array.getLength(data) != type.size()) {
            throw new IllegalArgumentException(Array.getLength(data) + " elements for " + type);
        }
        this.type = type;
        this.data = data;
    }

    /** A zero-filled tensor (empty strings, false). */
    public static Tensor zeros(TensorType type) {
        return new Tensor(type, type.elementType().storage().newArray(type.intSize()));
    }

    public static Tensor ofFloats(long[] dims, float... values) {
        return new Tensor(new TensorType(ElementType.FLOAT, dims), values);
    }

    public static Tensor ofLongs(long[] dims, long... values) {
        return new Tensor(new TensorType(ElementType.INT64, dims), values);
    }

    /** A 1-D int64 tensor. */
    public static Tensor vector(long... values) {
        return ofLongs(new long[] {values.length}, values);
    }

    public static Tensor scalar(float value) {
        return ofFloats(new long[0], value);
    }

    public TensorType type() {
        return type;
    }

    public ElementType elementType() {
        return type.elementType();
    }

    public int size() {
        return type.intSize();
    }

    /** The backing array, not a copy; do not change it. */
    public Object data() {
        return data;
    }

    /** The backing float array of a FLOAT tensor, not a copy. */
    public float[] floats() {
        return (float[]) data;
    }

    /** Element {@code i} as a double, honouring unsigned and 16-bit float encodings; bool as 0/1. */
    public double getDouble(int i) {
        switch (type.elementType()) {
            case FLOAT: return ((float[]) data)[i];
            case DOUBLE: return ((double[]) data)[i];
            case FLOAT16: return Half.toFloat(((short[]) data)[i]);
            case BFLOAT16: return Half.bfloat16ToFloat(((short[]) data)[i]);
            case UINT64: {
                long v = ((long[]) data)[i];
                return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
            }
            default: return getLong(i);
        }
    }

    /** Element {@code i} as a long (floats truncated toward zero, unsigned types zero-extended). */
    public long getLong(int i) {
        switch (type.elementType().storage()) {
            case LONG: return ((long[]) data)[i];
            case INT: {
                int v = ((int[]) data)[i];
                return type.elementType() == ElementType.UINT32 ? v & 0xFFFFFFFFL : v;
            }
            case SHORT: {
                if (type.elementType() == ElementType.FLOAT16 || type.elementType() == ElementType.BFLOAT16) {
                    return (long) getDouble(i);
                }
                short v = ((short[]) data)[i];
                return type.elementType() == ElementType.UINT16 ? v & 0xFFFF : v;
            }
            case BYTE: {
                byte v = ((byte[]) data)[i];
                return type.elementType() == ElementType.UINT8 ? v & 0xFF : v;
            }
            case BOOLEAN: return ((boolean[]) data)[i] ? 1 : 0;
            case FLOAT: return (long) ((float[]) data)[i];
            case DOUBLE: return (long) ((double[]) data)[i];
            default: throw new IllegalStateException("no numeric value in a " + type.elementType() + " tensor");
        }
    }

    /** All elements as longs: for shapes, axes, indices. */
    public long[] toLongs() {
        long[] out = new long[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getLong(i);
        }
        return out;
    }

    /** All elements as doubles. */
    public double[] toDoubles() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /** The same data with other dimensions of the same element count. */
    public Tensor reshaped(long... dims) {
        return new Tensor(type.withDims(dims), data);
    }

    /**
     * A tensor of {@code type} filled from doubles, rounded and wrapped as a cast to the
     * element type would (integers truncate toward zero and wrap; 16-bit floats round to nearest even).
     */
    public static Tensor fromDoubles(TensorType type, double[] values) {
        Tensor t = zeros(type);
        for (int i = 0; i < values.length; i++) {
            t.set(i, values[i]);
        }
        return t;
    }

    /** A tensor of {@code type} filled from longs, wrapped to the element type. */
    public static Tensor fromLongs(TensorType type, long[] values) {
        Tensor t = zeros(type);
        for (int i = 0; i < values.length; i++) {
            t.setLong(i, values[i]);
        }
        return t;
    }

    private void set(int i, double v) {
        switch (type.elementType()) {
            case FLOAT: ((float[]) data)[i] = (float) v; return;
            case DOUBLE: ((double[]) data)[i] = v; return;
            case FLOAT16: ((short[]) data)[i] = Half.fromFloat((float) v); return;
            case BFLOAT16: ((short[]) data)[i] = Half.floatToBfloat16((float) v); return;
            case BOOL: ((boolean[]) data)[i] = v != 0; return;
            case UINT64: setLong(i, v >= 0x1p63 ? (long) (v - 0x1p63) ^ Long.MIN_VALUE : (long) v); return;
            default: setLong(i, (long) v);
        }
    }

    private void setLong(int i, long v) {
        switch (type.elementType().storage()) {
            case LONG: ((long[]) data)[i] = v; return;
            case INT: ((int[]) data)[i] = (int) v; return;
            case BYTE: ((byte[]) data)[i] = (byte) v; return;
            case BOOLEAN: ((boolean[]) data)[i] = v != 0; return;
            case SHORT:
                if (type.elementType() == ElementType.FLOAT16 || type.elementType() == ElementType.BFLOAT16) {
                    set(i, (double) v);
                } else {
                    ((short[]) data)[i] = (short) v;
                }
                return;
            default: set(i, (double) v);
        }
    }

    /** Same type and identical bits. */
    public boolean contentEquals(Tensor other) {
        if (!type.equals(other.type)) {
            return false;
        }
        return Objects.deepEquals(new Object[] {data}, new Object[] {other.data});
    }

    /** Like {@code int64[3] {1, 2, 3}}, with at most a few values shown. */
    @Override
    public String toString() {
        int shown = Math.min(size(), 8);
        StringBuilder s = new StringBuilder(type.toString()).append(" {");
        for (int i = 0; i < shown; i++) {
            s.append(i == 0 ? "" : ", ");
            if (type.elementType() == ElementType.STRING) {
                s.append('"').append(((String[]) data)[i]).append('"');
            } else if (type.elementType().isFloat()) {
                s.append(getDouble(i));
            } else {
                s.append(getLong(i));
            }
        }
        return s.append(size() > shown ? ", ...}" : "}").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && contentEquals(t);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.deepHashCode(new Object[] {data});
    }
}
