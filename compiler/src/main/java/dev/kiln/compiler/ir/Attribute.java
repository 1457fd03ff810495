package dev.kiln.compiler.ir;

import java.util.List;

/**
 * One node attribute. The value is a {@code Long} (INT), {@code Float} (FLOAT),
 * {@code String} (STRING), {@link Tensor} (TENSOR), {@code long[]} (INTS),
 * {@code float[]} (FLOATS), {@code List<String>} (STRINGS), or a {@link Graph}
 * (GRAPH, kept only so that control-flow ops can be reported).
 */
public record Attribute(String name, Kind kind, Object value) {
    public enum Kind { INT, FLOAT, STRING, TENSOR, INTS, FLOATS, STRINGS, GRAPH, OTHER }

    public static Attribute of(String name, long v) {
        return new Attribute(name, Kind.INT, v);
    }

    public static Attribute of(String name, float v) {
        return new Attribute(name, Kind.FLOAT, v);
    }

    public static Attribute of(String name, String v) {
        return new Attribute(name, Kind.STRING, v);
    }

    public static Attribute of(String name, Tensor v) {
        return new Attribute(name, Kind.TENSOR, v);
    }

    public static Attribute of(String name, long[] v) {
        return new Attribute(name, Kind.INTS, v.clone());
    }

    public static Attribute of(String name, float[] v) {
        return new Attribute(name, Kind.FLOATS, v.clone());
    }

    public static Attribute of(String name, List<String> v) {
        return new Attribute(name, Kind.STRINGS, List.copyOf(v));
    }

    /** The value as text for IR listings. */
    public String valueString() {
        return switch (kind) {
            case INTS -> java.util.Arrays.toString((long[]) value);
            case FLOATS -> java.util.Arrays.toString((float[]) value);
            case STRING -> '"' + value.toString() + '"';
            case GRAPH -> "<graph>";
            default -> String.valueOf(value);
        };
    }
}
