package dev.kiln.compiler.onnx.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * print(parse(print(m))) == print(m) for every ONNX node-test model and the LowFormer
 * fixtures, with and without weights; with weights, parse(print(m)) is m itself.
 */
class OnnxTextRoundTripTest {
    static final Path NODE_TESTS = Path.of("..", "conformance", "onnx-node-tests");
    static final Path LOWFORMER = Path.of("..", "examples", "lowformer", "fixtures");

    @Test
    void everyNodeTestModel() throws IOException {
        List<Path> models;
        try (Stream<Path> dirs = Files.list(NODE_TESTS)) {
            models = dirs.map(d -> d.resolve("model.onnx")).filter(Files::exists).sorted().toList();
        }
        assertTrue(models.size() > 600, "node tests found: " + models.size());
        assertAllRoundTrip(models);
    }

    @Test
    void lowFormerFixtures() throws IOException {
        List<Path> models;
        try (Stream<Path> files = Files.list(LOWFORMER)) {
            models = files.filter(f -> f.toString().endsWith(".onnx")).sorted().toList();
        }
        assertEquals(3, models.size());
        assertAllRoundTrip(models);
    }

    private static void assertAllRoundTrip(List<Path> models) {
        List<String> failures = new ArrayList<>();
        for (Path file : models) {
            try {
                assertRoundTrip(ModelFile.read(file).proto(), file.toString());
            } catch (AssertionError | RuntimeException e) {
                failures.add(file + ": " + e.getMessage());
            }
        }
        assertEquals(List.of(), failures);
    }

    static void assertRoundTrip(ModelProto model, String what) {
        String elided = OnnxTextPrinter.print(model, false);
        assertEquals(elided, OnnxTextPrinter.print(OnnxTextReader.parse(elided), false), what + " without weights");
        String whole = OnnxTextPrinter.print(model, true);
        ModelProto reparsed = OnnxTextReader.parse(whole);
        assertEquals(whole, OnnxTextPrinter.print(reparsed, true), what + " with weights");
        SameModel.assertSame(model, reparsed, what);
    }
}
