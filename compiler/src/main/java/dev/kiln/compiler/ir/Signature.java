package dev.kiln.compiler.ir;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A graph input or output as the model file declares it, before shapes are bound:
 * each dimension a number, a symbol ("batch") or unknown.
 *
 * @param type the element type, or null if the model does not say
 * @param dims the declared dimensions, or null if the model does not give a shape at all
 */
public record Signature(String name, ElementType type, List<Dim> dims) {

    /** One declared dimension: {@code value >= 0}, or a {@code symbol}, or neither (unknown). */
    public record Dim(long value, String symbol) {
        public static Dim of(long value) {
            return new Dim(value, null);
        }

        public static Dim symbol(String symbol) {
            return new Dim(-1, symbol);
        }

        public static Dim unknown() {
            return new Dim(-1, null);
        }

        public boolean isKnown() {
            return value >= 0;
        }

        @Override
        public String toString() {
            return value >= 0 ? Long.toString(value) : symbol != null ? symbol : "?";
        }
    }

    /** Like {@code float[batch,3,224,224]}. */
    @Override
    public String toString() {
        String t = type == null ? "?" : type.onnxName();
        return t + (dims == null ? "[?]" : dims.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]")));
    }
}
