package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorShapeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TypeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model too big for the heap: {@code kiln compile} in a child JVM with a small {@code -Xmx}
 * must end in one error line that names the model and says how to give Java more memory,
 * exit 1, and write nothing.
 */
class OutOfMemoryTest {
    /** The child's heap; the model's one weight tensor is twice that. */
    private static final int HEAP_MB = 64;
    private static final int ELEMENTS = 2 * HEAP_MB * (1 << 20) / 4;

    @TempDir
    Path tmp;

    @Test
    void compileOutOfMemoryIsOneLineNamingTheModelAndTheHeapOption() throws Exception {
        Path model = modelWithBigExternalWeight(tmp.resolve("models"));
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP_MB + "m", "-cp", System.getProperty("java.class.path"), Kiln.class.getName(),
                "compile", model.toString(), "-o", out.toString()).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        String log = "exit " + exit + "\n--- out:\n" + stdout + "--- err:\n" + stderr;

        assertEquals(Kiln.EXIT_BAD_INPUT, exit, log);
        assertEquals(1, stderr.strip().lines().count(), "one line: " + log);
        assertTrue(stderr.startsWith("kiln: error: "), log);
        for (String part : new String[] {model.toString(), "out of memory", HEAP_MB + " MB", "-Xmx", "KILN_JAVA_OPTS"}) {
            assertTrue(stderr.contains(part), "missing " + part + ": " + log);
        }
        assertFalse(stderr.contains("OutOfMemoryError") || stderr.contains("\tat "), "no stack trace: " + log);
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(List.of(out), files.toList(), "nothing written");
        }
    }

    /** x [N] + w [N] = y, with w's N floats in a sparse external data file beside the model. */
    private static Path modelWithBigExternalWeight(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (RandomAccessFile data = new RandomAccessFile(dir.resolve("w.bin").toFile(), "rw")) {
            data.setLength(4L * ELEMENTS);
        }
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(ELEMENTS).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))
                .build();
        GraphProto graph = GraphProto.newBuilder().setName("big")
                .addInput(floatVector("x")).addInitializer(w)
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("w").addOutput("y"))
                .addOutput(floatVector("y"))
                .build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build();
        Path file = dir.resolve("big.onnx");
        Files.write(file, model.toByteArray());
        return file;
    }

    private static ValueInfoProto floatVector(String name) {
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(ELEMENTS)))
                .build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }
}
