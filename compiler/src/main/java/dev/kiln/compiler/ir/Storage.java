package dev.kiln.compiler.ir;

/**
 * The Java array kind that holds a tensor of some element type, both in
 * generated code and in the compiler's constant tensors.
 */
public enum Storage {
    FLOAT("float", 4),
    DOUBLE("double", 8),
    LONG("long", 8),
    INT("int", 4),
    SHORT("short", 2),
    BYTE("byte", 1),
    BOOLEAN("boolean", 1),
    STRING("String", -1);

    private final String javaType;
    private final int bytes;

    Storage(String javaType, int bytes) {
        this.javaType = javaType;
        this.bytes = bytes;
    }

    /** The Java element type: {@code float}, {@code long}, {@code String}... */
    public String javaType() {
        return javaType;
    }

    /** Bytes per element in memory and in the weight file; -1 for strings. */
    public int bytes() {
        return bytes;
    }

    /** A new zero-filled Java array of this kind. */
    public Object newArray(int length) {
        switch (this) {
            case FLOAT: return new float[length];
            case DOUBLE: return new double[length];
            case LONG: return new long[length];
            case INT: return new int[length];
            case SHORT: return new short[length];
            case BYTE: return new byte[length];
            case BOOLEAN: return new boolean[length];
            case STRING: {
                String[] s = new String[length];
                java.util.Arrays.fill(s, "");
                return s;
            }
            default: throw new AssertionError(this);
        }
    }
}
