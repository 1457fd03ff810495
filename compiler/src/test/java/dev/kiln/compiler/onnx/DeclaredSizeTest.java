package dev.kiln.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.kiln.compiler.onnx.proto.OnnxMl.ValueInfoProto;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11: a tensor's declared dims must not size an allocation that the file's bytes do
 * not back. A 68-byte model whose int64 initializer declares 2^30 elements and holds none
 * made the importer allocate 8 GB (OutOfMemoryError); a float one allocated 4 GB before it
 * was refused. Each case here measures what the importing thread allocated.
 */
class DeclaredSizeTest {
    /** Far above what parsing a small file costs, far below any declared size here. */
    private static final long ALLOCATION_BUDGET = 16 << 20;

    @TempDir
    Path dir;

    /** A model whose only initializer, also its output, is {@code t}. */
    private static ModelProto model(TensorProto t) {
        GraphProto g = GraphProto.newBuilder().setName("g").addInitializer(t)
                .addOutput(ValueInfoProto.newBuilder().setName(t.getName())).build();
        return ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).build();
    }

    private static TensorProto.Builder declared(DataType type, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName("t").setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    /** Imports the model from a file and returns the error, checking what the import allocated. */
    private String refusedWithin(ModelProto m, long budget) throws Exception {
        Path file = Files.write(dir.resolve("big.onnx"), m.toByteArray());
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        String message = assertThrows(CompileException.class, () -> OnnxImporter.read(file)).getMessage();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < budget, "importing a " + Files.size(file) + "-byte file allocated " + allocated
                + " bytes before: " + message);
        return message;
    }

    @Test
    void aTinyModelDeclaringAnInt64Billion() throws Exception {
        ModelProto m = model(declared(DataType.INT64, 1L << 30).build());
        assertTrue(m.getSerializedSize() < 100, m.getSerializedSize() + " bytes");
        String message = refusedWithin(m, ALLOCATION_BUDGET);
        assertTrue(message.endsWith("big.onnx: tensor 't' int64[1073741824] has 0 values, expected 1073741824"),
                message);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE", "INT64", "INT32", "INT16", "INT8", "UINT8",
        "UINT16", "UINT32", "UINT64", "BOOL", "FLOAT16", "BFLOAT16", "STRING"})
    void noTypedDataForADeclaredBillion(DataType type) throws Exception {
        String message = refusedWithin(model(declared(type, 1L << 15, 1L << 15).build()), ALLOCATION_BUDGET);
        assertTrue(message.endsWith("has 0 values, expected 1073741824"), message);
    }

    @Test
    void rawDataShorterThanDeclared() throws Exception {
        TensorProto t = declared(DataType.FLOAT, 1L << 30).setRawData(ByteString.copyFrom(new byte[64])).build();
        assertTrue(refusedWithin(model(t), ALLOCATION_BUDGET).endsWith("should hold 4294967296 bytes of data, has 64"));
    }

    @Test
    void dimensionsWhoseProductOverflows() throws Exception {
        assertTrue(refusedWithin(model(declared(DataType.FLOAT, 1L << 32, 1L << 32).build()), ALLOCATION_BUDGET)
                .endsWith("tensor 't' has dimensions [4294967296,4294967296], more than 2^63 elements"));
    }

    @Test
    void externalDataShorterThanDeclared() throws Exception {
        Files.write(dir.resolve("w.bin"), new byte[64]);
        TensorProto t = declared(DataType.FLOAT, 1L << 28).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(dev.kiln.compiler.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("location").setValue("w.bin")).build();
        assertTrue(refusedWithin(model(t), ALLOCATION_BUDGET).endsWith("external data [0, 1073741824) lies outside w.bin (64 bytes)"));
    }
}
