package dev.kiln.codegen.opencl;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.compiler.ir.ElementType;

/**
 * How each ONNX element type is held and computed with in OpenCL C: the element
 * type of its buffer, the type arithmetic runs in, and how an element is loaded
 * into that type and stored back. float16 is read and written with
 * {@code vload_half} and {@code vstore_half_rte} (core OpenCL 1.2, no cl_khr_fp16
 * needed), bfloat16 with the prelude's {@code kiln_bf16_*} functions; both are kept
 * as {@code ushort} bits in their buffers, so copies move them unchanged. bool is a
 * {@code uchar} 0 or 1.
 */
public final class ClTypes {
    private ClTypes() {
    }

    /** The C type of a buffer element: {@code float}, {@code uchar}, {@code ushort} (16-bit floats)... */
    public static String element(ElementType t) {
        return switch (t) {
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case INT8 -> "char";
            case UINT8, BOOL -> "uchar";
            case INT16 -> "short";
            case UINT16, FLOAT16, BFLOAT16 -> "ushort";
            case INT32 -> "int";
            case UINT32 -> "uint";
            case INT64 -> "long";
            case UINT64 -> "ulong";
            default -> throw new IllegalArgumentException("OpenCL holds no " + t.onnxName() + " tensors");
        };
    }

    /** The type arithmetic on this element type runs in (C's own promotions for the narrow integers). */
    public static String compute(ElementType t) {
        return switch (t) {
            case FLOAT, FLOAT16, BFLOAT16 -> "float";
            case DOUBLE -> "double";
            case INT8, UINT8, INT16, UINT16, INT32, BOOL -> "int";
            case UINT32 -> "uint";
            case INT64 -> "long";
            case UINT64 -> "ulong";
            default -> throw new IllegalArgumentException("OpenCL computes with no " + t.onnxName() + " values");
        };
    }

    /** Whether OpenCL can hold tensors of this type (everything Kiln supports but strings). */
    public static boolean holds(ElementType t) {
        return t.isSupported() && t != ElementType.STRING;
    }

    /** An expression of the compute type reading element {@code index} of buffer {@code array}. */
    public static CodeBlock load(ElementType t, String array, Object index) {
        return switch (t) {
            case FLOAT16 -> CodeBlock.of("vload_half($L, (__global const half*) $L)", index, array);
            case BFLOAT16 -> CodeBlock.of("kiln_bf16_load($L[$L])", array, index);
            // so that overloaded built-ins (min, max) see one type, not int and uchar
            case INT8, UINT8, INT16, UINT16, BOOL -> CodeBlock.of("(int) $L[$L]", array, index);
            default -> CodeBlock.of("$L[$L]", array, index);
        };
    }

    /** A statement (without its semicolon) storing {@code value}, of the compute type, as element {@code index}. */
    public static CodeBlock store(ElementType t, String array, Object index, CodeBlock value) {
        return switch (t) {
            case FLOAT16 -> CodeBlock.of("vstore_half_rte($L, $L, (__global half*) $L)", value, index, array);
            case BFLOAT16 -> CodeBlock.of("$L[$L] = kiln_bf16_store($L)", array, index, value);
            case FLOAT, DOUBLE, INT32, INT64, UINT32, UINT64 -> CodeBlock.of("$L[$L] = $L", array, index, value);
            default -> CodeBlock.of("$L[$L] = ($L) ($L)", array, index, element(t), value);
        };
    }

    /** A literal of the compute type of {@code t}: {@code 0.5f}, {@code 0.5}, {@code 3L}, {@code INFINITY}... */
    public static String literal(ElementType t, double v) {
        return switch (compute(t)) {
            case "float" -> floatLiteral((float) v);
            case "double" -> doubleLiteral(v);
            case "long" -> (long) v + "L";
            case "ulong" -> Long.toUnsignedString((long) v) + "UL";
            case "uint" -> Integer.toUnsignedString((int) (long) v) + "U";
            default -> Integer.toString((int) v);
        };
    }

    /** A float literal that reads back as exactly {@code v}. */
    public static String floatLiteral(float v) {
        if (Float.isNaN(v)) {
            return "NAN";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "INFINITY" : "-INFINITY";
        }
        return Float.toString(v) + "f";
    }

    /** A double literal that reads back as exactly {@code v}. */
    public static String doubleLiteral(double v) {
        if (Double.isNaN(v)) {
            return "(double) NAN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "(double) INFINITY" : "(double) -INFINITY";
        }
        return Double.toString(v);
    }

    /** The lowest value of the compute type of {@code t}: what a maximum starts from. */
    public static String lowest(ElementType t) {
        return switch (t) {
            case FLOAT, FLOAT16, BFLOAT16 -> "-INFINITY";
            case DOUBLE -> "(double) -INFINITY";
            case INT8 -> "-128";
            case INT16 -> "-32768";
            case INT32 -> "INT_MIN";
            case INT64 -> "LONG_MIN";
            case UINT32 -> "0U";
            case UINT64 -> "0UL";
            default -> "0";
        };
    }

    /** The highest value of the compute type of {@code t}: what a minimum starts from. */
    public static String highest(ElementType t) {
        return switch (t) {
            case FLOAT, FLOAT16, BFLOAT16 -> "INFINITY";
            case DOUBLE -> "(double) INFINITY";
            case INT8 -> "127";
            case BOOL -> "1";
            case UINT8 -> "255";
            case INT16 -> "32767";
            case UINT16 -> "65535";
            case INT32 -> "INT_MAX";
            case INT64 -> "LONG_MAX";
            case UINT32 -> "UINT_MAX";
            case UINT64 -> "ULONG_MAX";
            default -> throw new IllegalArgumentException("no highest value for " + t);
        };
    }
}
