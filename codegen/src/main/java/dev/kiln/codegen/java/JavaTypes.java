package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Storage;

/**
 * How each ONNX element type is held and computed with in generated Java: the
 * array it lives in, the type arithmetic runs in, and the expressions that load
 * an element into that type and store a result back (unsigned integers are
 * masked, 16-bit floats converted, narrow integers cast with wrap-around).
 */
public final class JavaTypes {
    private JavaTypes() {
    }

    /** The Java array element type: {@code float}, {@code short}... */
    public static String storage(ElementType t) {
        return t.storage().javaType();
    }

    /** The array type as a JavaPoet type name, e.g. {@code float[]}. */
    public static TypeName arrayType(Storage s) {
        return switch (s) {
            case FLOAT -> TypeName.get(float[].class);
            case DOUBLE -> TypeName.get(double[].class);
            case LONG -> TypeName.get(long[].class);
            case INT -> TypeName.get(int[].class);
            case SHORT -> TypeName.get(short[].class);
            case BYTE -> TypeName.get(byte[].class);
            case BOOLEAN -> TypeName.get(boolean[].class);
            case STRING -> TypeName.get(String[].class);
        };
    }

    /** The type arithmetic on this element type runs in. */
    public static String compute(ElementType t) {
        return switch (t) {
            case FLOAT, FLOAT16, BFLOAT16 -> "float";
            case DOUBLE -> "double";
            case INT8, UINT8, INT16, UINT16, INT32 -> "int";
            case UINT32, INT64, UINT64 -> "long";
            case BOOL -> "boolean";
            case STRING -> "String";
            default -> throw new IllegalArgumentException("no Java compute type for " + t);
        };
    }

    /** An expression of the compute type reading {@code element} (an array element expression). */
    public static CodeBlock load(ElementType t, CodeBlock element, Runtime rt) {
        return switch (t) {
            case UINT8 -> CodeBlock.of("($L & 0xFF)", element);
            case UINT16 -> CodeBlock.of("($L & 0xFFFF)", element);
            case UINT32 -> CodeBlock.of("($L & 0xFFFFFFFFL)", element);
            case FLOAT16 -> CodeBlock.of("$T.toFloat($L)", rt.half(), element);
            case BFLOAT16 -> CodeBlock.of("$T.bfloat16ToFloat($L)", rt.half(), element);
            default -> element;
        };
    }

    /** An expression of the storage type holding {@code value} (an expression of the compute type). */
    public static CodeBlock store(ElementType t, CodeBlock value, Runtime rt) {
        return switch (t) {
            case INT8, UINT8 -> CodeBlock.of("(byte) ($L)", value);
            case INT16, UINT16 -> CodeBlock.of("(short) ($L)", value);
            case UINT32 -> CodeBlock.of("(int) ($L)", value);
            case FLOAT16 -> CodeBlock.of("$T.fromFloat($L)", rt.half(), value);
            case BFLOAT16 -> CodeBlock.of("$T.floatToBfloat16($L)", rt.half(), value);
            default -> value;
        };
    }

    /** A literal of the compute type of {@code t}: {@code 0.5f}, {@code 0.5}, {@code 3L}... */
    public static String literal(ElementType t, double v) {
        String c = compute(t);
        return switch (c) {
            case "float" -> floatLiteral((float) v);
            case "double" -> doubleLiteral(v);
            case "long" -> (long) v + "L";
            case "int" -> Integer.toString((int) v);
            default -> throw new IllegalArgumentException("no numeric literal for " + t);
        };
    }

    /** A float literal that reads back as exactly {@code v}. */
    public static String floatLiteral(float v) {
        if (Float.isNaN(v)) {
            return "Float.NaN";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY";
        }
        return Float.toString(v) + "f";
    }

    /** A double literal that reads back as exactly {@code v}. */
    public static String doubleLiteral(double v) {
        if (Double.isNaN(v)) {
            return "Double.NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
        }
        return Double.toString(v);
    }
}
