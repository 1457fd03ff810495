package dev.kiln.compiler.onnx.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.ModelFile;
import dev.kiln.compiler.onnx.NewerProtoFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kiln's parser against ONNX's own: each NAME.onnx in src/test/resources/onnxtxt-oracle
 * is what onnx.parser (Debian's python3-onnx 1.12) made of NAME.onnxtxt, written by
 * make_expected.py there. Kiln must make the same ModelProto of the same text. The texts
 * keep to what ONNX 1.12 reads: plain identifiers, no node labels, no quoted names.
 */
class OnnxParserOracleTest {
    static final Path DIR = Path.of("src", "test", "resources", "onnxtxt-oracle");

    static List<Path> texts() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(ModelFile::isText).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void sameModelAsOnnxsParser(Path text) {
        ModelProto onnx = ModelFile.read(expected(text)).proto();
        ModelProto kiln = ModelFile.read(text).proto();
        assertEquals(NewerProtoFields.functions(onnx), NewerProtoFields.functions(kiln), "functions");
        assertEquals(withoutFunctions(onnx), withoutFunctions(kiln));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void roundTrips(Path text) {
        OnnxTextRoundTripTest.assertRoundTrip(ModelFile.read(text).proto(), text.toString());
    }

    @Test
    void everyFeatureFileHasItsExpectedModel() throws IOException {
        assertTrue(texts().size() >= 9);
        for (Path t : texts()) {
            assertTrue(Files.exists(expected(t)), "run make_expected.py: " + expected(t) + " is missing");
        }
    }

    /** The committed expectations are what ONNX's parser makes of the texts today (needs Debian's python3-onnx). */
    @Test
    @Tag("full")
    void expectedModelsAreUpToDate(@TempDir Path tmp) throws Exception {
        for (Path t : texts()) {
            Files.copy(t, tmp.resolve(t.getFileName()));
        }
        Process p = new ProcessBuilder("/usr/bin/python3", DIR.resolve("make_expected.py").toString(), tmp.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "make_expected.py failed (needs Debian's python3-onnx):\n" + log);
        for (Path t : texts()) {
            assertArrayEquals(Files.readAllBytes(expected(t)), Files.readAllBytes(expected(tmp.resolve(t.getFileName()))),
                    expected(t) + " differs from what ONNX's parser makes now");
        }
    }

    private static Path expected(Path text) {
        String name = text.getFileName().toString();
        return text.resolveSibling(name.substring(0, name.length() - ModelFile.TEXT_EXTENSION.length()) + ".onnx");
    }

    private static ModelProto withoutFunctions(ModelProto m) {
        ModelProto.Builder b = m.toBuilder();
        NewerProtoFields.setFunctions(b, List.of());
        return b.build();
    }
}
