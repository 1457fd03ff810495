package dev.kiln.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Decoding TensorProtos: for each element type, the same values written as
 * little-endian raw_data and in the typed repeated field the ONNX spec assigns
 * to that type (float_data, int32_data for all narrow types and 16-bit floats,
 * int64_data, uint64_data for uint32 and uint64, double_data) decode alike.
 */
class TensorProtosTest {
    private static TensorProto.Builder proto(DataType type, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName("t").setDataType(type.getNumber());
        for (long d : dims) {
            b.addDims(d);
        }
        return b;
    }

    private static ByteString raw(int bytesPer, int n, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(bytesPer * n).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return ByteString.copyFrom(b.array());
    }

    private static Tensor decode(TensorProto.Builder t) {
        return TensorProtos.decode(t.build(), null);
    }

    /** Both encodings decode to the same tensor, whose data (the Java array) is {@code expectedData}. */
    private static void assertSame(TensorProto.Builder raw, TensorProto.Builder typed, Object expectedData) {
        Tensor a = decode(raw);
        assertEquals(a, decode(typed));
        assertTrue(Objects.deepEquals(a.data(), expectedData), a + " vs " + Arrays.deepToString(new Object[] {expectedData}));
    }

    @Test
    void floatAndDouble() {
        float[] f = {1.5f, -0f, Float.NaN, Float.MIN_VALUE, Float.NEGATIVE_INFINITY, 3e38f};
        assertSame(proto(DataType.FLOAT, 2, 3).setRawData(raw(4, 6, b -> b.asFloatBuffer().put(f))),
                proto(DataType.FLOAT, 2, 3).addAllFloatData(Arrays.asList(1.5f, -0f, Float.NaN,
                        Float.MIN_VALUE, Float.NEGATIVE_INFINITY, 3e38f)), f);
        double[] d = {Math.PI, -1e300};
        assertSame(proto(DataType.DOUBLE, 2).setRawData(raw(8, 2, b -> b.asDoubleBuffer().put(d))),
                proto(DataType.DOUBLE, 2).addDoubleData(Math.PI).addDoubleData(-1e300), d);
    }

    @Test
    void sixteenBitFloatsKeepTheirBits() {
        short[] bits = {0x3C00, (short) 0xC000, 0x0001, 0x7BFF, (short) 0xFC00, 0x7E00};
        for (DataType type : new DataType[] {DataType.FLOAT16, DataType.BFLOAT16}) {
            TensorProto.Builder typed = proto(type, 6);
            for (short s : bits) {
                typed.addInt32Data(s & 0xFFFF); // the bit pattern, zero-extended, as the spec says
            }
            assertSame(proto(type, 6).setRawData(raw(2, 6, b -> b.asShortBuffer().put(bits))), typed, bits);
        }
        Tensor half = decode(proto(DataType.FLOAT16, 3).addInt32Data(0x3C00).addInt32Data(0xC000).addInt32Data(0x0001));
        assertArrayEquals(new double[] {1, -2, 0x1p-24}, half.toDoubles());
        Tensor bf = decode(proto(DataType.BFLOAT16, 2).addInt32Data(0x3F80).addInt32Data(0xC040));
        assertArrayEquals(new double[] {1, -3}, bf.toDoubles());
    }

    @Test
    void narrowIntegersLiveInInt32Data() {
        assertSame(proto(DataType.INT8, 3).setRawData(ByteString.copyFrom(new byte[] {-128, 0, 127})),
                proto(DataType.INT8, 3).addInt32Data(-128).addInt32Data(0).addInt32Data(127), new byte[] {-128, 0, 127});
        assertSame(proto(DataType.UINT8, 2).setRawData(ByteString.copyFrom(new byte[] {(byte) 255, 1})),
                proto(DataType.UINT8, 2).addInt32Data(255).addInt32Data(1), new byte[] {(byte) 255, 1});
        short[] i16 = {-32768, 32767};
        assertSame(proto(DataType.INT16, 2).setRawData(raw(2, 2, b -> b.asShortBuffer().put(i16))),
                proto(DataType.INT16, 2).addInt32Data(-32768).addInt32Data(32767), i16);
        short[] u16 = {(short) 65535, 2};
        assertSame(proto(DataType.UINT16, 2).setRawData(raw(2, 2, b -> b.asShortBuffer().put(u16))),
                proto(DataType.UINT16, 2).addInt32Data(65535).addInt32Data(2), u16);
        int[] i32 = {Integer.MIN_VALUE, 7};
        assertSame(proto(DataType.INT32, 2).setRawData(raw(4, 2, b -> b.asIntBuffer().put(i32))),
                proto(DataType.INT32, 2).addInt32Data(Integer.MIN_VALUE).addInt32Data(7), i32);
        boolean[] bools = {true, false, true};
        assertSame(proto(DataType.BOOL, 3).setRawData(ByteString.copyFrom(new byte[] {1, 0, 1})),
                proto(DataType.BOOL, 3).addInt32Data(1).addInt32Data(0).addInt32Data(1), bools);

        assertArrayEquals(new long[] {255, 1}, decode(proto(DataType.UINT8, 2).addInt32Data(255).addInt32Data(1)).toLongs());
        assertArrayEquals(new long[] {65535, 2}, decode(proto(DataType.UINT16, 2).addInt32Data(65535).addInt32Data(2)).toLongs());
    }

    @Test
    void wideIntegers() {
        long[] i64 = {Long.MIN_VALUE, -1, 42};
        assertSame(proto(DataType.INT64, 3).setRawData(raw(8, 3, b -> b.asLongBuffer().put(i64))),
                proto(DataType.INT64, 3).addInt64Data(Long.MIN_VALUE).addInt64Data(-1).addInt64Data(42), i64);
        long[] u64 = {-1L, 5};
        assertSame(proto(DataType.UINT64, 2).setRawData(raw(8, 2, b -> b.asLongBuffer().put(u64))),
                proto(DataType.UINT64, 2).addUint64Data(-1L).addUint64Data(5), u64);
        int[] u32 = {-1, 9};
        assertSame(proto(DataType.UINT32, 2).setRawData(raw(4, 2, b -> b.asIntBuffer().put(u32))),
                proto(DataType.UINT32, 2).addUint64Data(0xFFFFFFFFL).addUint64Data(9), u32);
        assertArrayEquals(new long[] {0xFFFFFFFFL, 9}, decode(proto(DataType.UINT32, 2).addUint64Data(0xFFFFFFFFL)
                .addUint64Data(9)).toLongs());
        assertEquals(0x1p64 - 1, decode(proto(DataType.UINT64, 1).addUint64Data(-1L)).getDouble(0), 1e4);
    }

    @Test
    void scalarAndEmptyTensors() {
        Tensor scalar = decode(proto(DataType.FLOAT).addFloatData(2.5f));
        assertEquals(0, scalar.type().rank());
        assertEquals(2.5f, scalar.floats()[0]);
        Tensor empty = decode(proto(DataType.FLOAT, 0, 3));
        assertEquals(0, empty.size());
    }

    @Test
    void strings() {
        Tensor s = decode(proto(DataType.STRING, 2).addStringData(ByteString.copyFromUtf8("héllo"))
                .addStringData(ByteString.copyFromUtf8("")));
        assertArrayEquals(new String[] {"héllo", ""}, (String[]) s.data());
        assertEquals(ElementType.STRING, s.elementType());
    }

    private static String error(TensorProto.Builder t) {
        return assertThrows(CompileException.class, () -> decode(t)).getMessage();
    }

    @Test
    void malformedTensorsAreNamed() {
        assertEquals("tensor 't' float[2,3] should hold 24 bytes of data, has 20",
                error(proto(DataType.FLOAT, 2, 3).setRawData(ByteString.copyFrom(new byte[20]))));
        assertEquals("tensor 't' int64[3] has 2 values, expected 3",
                error(proto(DataType.INT64, 3).addInt64Data(1).addInt64Data(2)));
        assertEquals("tensor 't' has element type complex64, which Kiln does not support", error(proto(DataType.COMPLEX64, 1)));
        assertEquals("tensor 't' has element type float8e4m3fn, which Kiln does not support",
                error(TensorProto.newBuilder().setName("t").setDataType(ElementType.FLOAT8E4M3FN.code()).addDims(1)));
        assertEquals("tensor 't' has element type code 99, which Kiln does not support",
                error(TensorProto.newBuilder().setName("t").setDataType(99)));
        assertEquals("tensor 't' has a negative dimension -2", error(proto(DataType.FLOAT, -2)));
        assertEquals("tensor 't': string tensors cannot use raw_data",
                error(proto(DataType.STRING, 1).setRawData(ByteString.copyFromUtf8("x"))));
        assertEquals("tensor 't' has 8589934592 elements; Kiln handles at most 2^31-1",
                error(proto(DataType.FLOAT, 1L << 16, 1L << 17)));
    }
}
