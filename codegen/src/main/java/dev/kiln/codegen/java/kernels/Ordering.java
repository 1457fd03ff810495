package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.compiler.ir.ElementType;

/**
 * Comparisons and extreme values in the compute type of an element type, for the
 * kernels that pick maxima (ReduceMax, ArgMax, TopK, MaxPool). uint64 lives in a
 * Java long, so it compares unsigned.
 */
final class Ordering {
    private Ordering() {
    }

    /** A boolean expression: {@code a > b} in the order of element type {@code t}. */
    static CodeBlock greater(ElementType t, Object a, Object b) {
        if (t == ElementType.UINT64) {
            return CodeBlock.of("Long.compareUnsigned($L, $L) > 0", a, b);
        }
        if (t == ElementType.BOOL) {
            return CodeBlock.of("($L && !$L)", a, b);
        }
        return CodeBlock.of("$L > $L", a, b);
    }

    /** A boolean expression: {@code a < b} in the order of element type {@code t}. */
    static CodeBlock less(ElementType t, Object a, Object b) {
        return greater(t, b, a);
    }

    /** The smallest value of the compute type: the maximum of an empty set. */
    static String lowest(ElementType t) {
        return switch (t) {
            case FLOAT, FLOAT16, BFLOAT16 -> "Float.NEGATIVE_INFINITY";
            case DOUBLE -> "Double.NEGATIVE_INFINITY";
            case INT8 -> "-128";
            case INT16 -> "-32768";
            case INT32 -> "Integer.MIN_VALUE";
            case INT64 -> "Long.MIN_VALUE";
            case UINT8, UINT16 -> "0";
            case UINT32, UINT64 -> "0L";
            case BOOL -> "false";
            default -> throw new IllegalArgumentException("no ordering for " + t);
        };
    }
}
