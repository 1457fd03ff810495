package dev.kiln.compiler.onnx.text;

import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * A tensor's values as the text syntax writes them, in the form {@link Literals}
 * reads back: floats in Java's shortest round-trip form (NaN, Infinity), unsigned
 * types unsigned, float16, bfloat16 and the float8 types as their bits, complex as
 * (real, imaginary) pairs. raw_data and the typed fields give the same text.
 */
final class TensorText {
    private TensorText() {
    }

    /** How many values the text lists for the tensor: its element count, twice that for complex types; -1 if absurd. */
    static long count(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0 || d > Integer.MAX_VALUE || (n = n * d) > Integer.MAX_VALUE) {
                return -1;
            }
        }
        ElementType e = ElementType.fromCode(t.getDataType());
        return e == ElementType.COMPLEX64 || e == ElementType.COMPLEX128 ? 2 * n : n;
    }

    /** Passes each value's text to {@code sink}; a tensor whose data does not fit its shape is an error. */
    static void values(TensorProto t, Consumer<String> sink) {
        ElementType e = ElementType.fromCode(t.getDataType());
        String what = "tensor '" + t.getName() + "'";
        if (e == null) {
            throw new CompileException(what + " has element type " + t.getDataType() + ", which has no text form");
        }
        long n = count(t);
        if (t.hasRawData()) {
            raw(t, e, n, what, sink);
            return;
        }
        int stored = switch (e) {
            case FLOAT, COMPLEX64 -> t.getFloatDataCount();
            case DOUBLE, COMPLEX128 -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            case STRING -> t.getStringDataCount();
            default -> t.getInt32DataCount();
        };
        if (stored != n) {
            throw new CompileException(what + " holds " + stored + " values, but its shape " + t.getDimsList()
                    + " needs " + n);
        }
        for (int i = 0; i < n; i++) {
            sink.accept(switch (e) {
                case FLOAT, COMPLEX64 -> Float.toString(t.getFloatData(i));
                case DOUBLE, COMPLEX128 -> Double.toString(t.getDoubleData(i));
                case INT64 -> Long.toString(t.getInt64Data(i));
                case UINT32, UINT64 -> Long.toUnsignedString(t.getUint64Data(i));
                case STRING -> Syntax.quote(t.getStringData(i).toStringUtf8());
                default -> Integer.toString(t.getInt32Data(i));
            });
        }
    }

    private static void raw(TensorProto t, ElementType e, long n, String what, Consumer<String> sink) {
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int bitsPerValue = switch (e) {
            case DOUBLE, COMPLEX128, INT64, UINT64 -> 64;
            case FLOAT, COMPLEX64, INT32, UINT32 -> 32;
            case INT16, UINT16, FLOAT16, BFLOAT16 -> 16;
            case INT4, UINT4, FLOAT4E2M1 -> 4;
            case INT2, UINT2 -> 2;
            case STRING -> throw new CompileException(what + ": string tensors cannot use raw_data");
            default -> 8;
        };
        long bytes = (n * bitsPerValue + 7) / 8;
        if (b.remaining() != bytes) {
            throw new CompileException(what + " holds " + b.remaining() + " bytes of data, but its shape "
                    + t.getDimsList() + " needs " + bytes);
        }
        for (int i = 0; i < n; i++) {
            sink.accept(switch (e) {
                case FLOAT, COMPLEX64 -> Float.toString(b.getFloat());
                case DOUBLE, COMPLEX128 -> Double.toString(b.getDouble());
                case INT64 -> Long.toString(b.getLong());
                case UINT64 -> Long.toUnsignedString(b.getLong());
                case INT32 -> Integer.toString(b.getInt());
                case UINT32 -> Integer.toUnsignedString(b.getInt());
                case INT16 -> Short.toString(b.getShort());
                case UINT16, FLOAT16, BFLOAT16 -> Integer.toString(b.getShort() & 0xFFFF);
                case INT8 -> Byte.toString(b.get());
                case INT4, UINT4, FLOAT4E2M1, INT2, UINT2 -> Integer.toString(subByte(b, i, bitsPerValue,
                        e == ElementType.INT4 || e == ElementType.INT2));
                default -> Integer.toString(b.get() & 0xFF); // uint8, bool and the float8 types
            });
        }
    }

    /** Value {@code i} of a packed 4- or 2-bit tensor, lowest bits first. */
    private static int subByte(ByteBuffer b, int i, int bits, boolean signed) {
        int perByte = 8 / bits;
        int v = (b.get(i / perByte) >> ((i % perByte) * bits)) & ((1 << bits) - 1);
        return signed && v >= 1 << (bits - 1) ? v - (1 << bits) : v;
    }
}
