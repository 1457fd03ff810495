package dev.kiln.compiler.ir;

import java.util.Locale;

/**
 * ONNX tensor element types (TensorProto.DataType), with the Java storage each
 * one uses. Unsigned integers share the storage of their signed twins and are
 * read with a mask; float16 and bfloat16 are kept as raw bits in a short.
 */
public enum ElementType {
    FLOAT(1, Storage.FLOAT),
    UINT8(2, Storage.BYTE),
    INT8(3, Storage.BYTE),
    UINT16(4, Storage.SHORT),
    INT16(5, Storage.SHORT),
    INT32(6, Storage.INT),
    INT64(7, Storage.LONG),
    STRING(8, Storage.STRING),
    BOOL(9, Storage.BOOLEAN),
    FLOAT16(10, Storage.SHORT),
    DOUBLE(11, Storage.DOUBLE),
    UINT32(12, Storage.INT),
    UINT64(13, Storage.LONG),
    COMPLEX64(14, null),
    COMPLEX128(15, null),
    BFLOAT16(16, Storage.SHORT),
    FLOAT8E4M3FN(17, Storage.BYTE),
    FLOAT8E4M3FNUZ(18, Storage.BYTE),
    FLOAT8E5M2(19, Storage.BYTE),
    FLOAT8E5M2FNUZ(20, Storage.BYTE),
    UINT4(21, null),
    INT4(22, null),
    FLOAT4E2M1(23, null),
    FLOAT8E8M0(24, Storage.BYTE),
    UINT2(25, null),
    INT2(26, null);

    private static final ElementType[] BY_CODE = new ElementType[32];

    static {
        for (ElementType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final Storage storage;

    ElementType(int code, Storage storage) {
        this.code = code;
        this.storage = storage;
    }

    /** The TensorProto.DataType number. */
    public int code() {
        return code;
    }

    /** The Java array kind, or null for types Kiln cannot hold (complex, 4- and 2-bit). */
    public Storage storage() {
        return storage;
    }

    /** The element type for a TensorProto.DataType number, or null if unknown. */
    public static ElementType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The ONNX spelling used in type constraints: {@code float}, {@code int64}, {@code bfloat16}... */
    public String onnxName() {
        switch (this) {
            case FLOAT8E4M3FN: return "float8e4m3fn";
            case FLOAT8E4M3FNUZ: return "float8e4m3fnuz";
            case FLOAT8E5M2: return "float8e5m2";
            case FLOAT8E5M2FNUZ: return "float8e5m2fnuz";
            case FLOAT8E8M0: return "float8e8m0";
            case FLOAT4E2M1: return "float4e2m1";
            default: return name().toLowerCase(Locale.ROOT);
        }
    }

    /** float, double, float16 or bfloat16. */
    public boolean isFloat() {
        return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
    }

    /** One of the eight 8- to 64-bit integer types. */
    public boolean isInteger() {
        switch (this) {
            case INT8: case INT16: case INT32: case INT64:
            case UINT8: case UINT16: case UINT32: case UINT64:
                return true;
            default:
                return false;
        }
    }

    /** An unsigned integer type. */
    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    /** A float or integer type: what arithmetic ops accept. */
    public boolean isNumeric() {
        return isFloat() || isInteger();
    }

    /** Whether Kiln can store and compute with this type (the 8-bit float and sub-byte types are not yet). */
    public boolean isSupported() {
        return storage != null && code <= 16;
    }
}
