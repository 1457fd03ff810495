package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing a generated model to disk, in one directory or split into sources and weights (the Maven layout). */
class GeneratedModelWriteTest {
    private static final Path MODEL = Path.of("..", "conformance", "onnx-node-tests", "test_relu", "model.onnx");

    private static GeneratedModel generate() {
        return Kiln.compile(MODEL, KilnOptions.defaults().withPackage("it.kiln").withClassName("Relu"));
    }

    @Test
    void splitsSourcesAndWeightsIntoTheirOwnDirectoriesAtTheSamePackagePath(@TempDir Path tmp) throws IOException {
        GeneratedModel model = generate();
        Path sources = tmp.resolve("generated-sources");
        Path resources = tmp.resolve("generated-resources");

        List<Path> written = model.writeTo(sources, resources);

        assertEquals(List.of(sources.resolve("it/kiln/Relu.java"), resources.resolve("it/kiln/Relu.weights")), written);
        assertEquals(model.sources().get("it/kiln/Relu.java"),
                Files.readString(sources.resolve("it/kiln/Relu.java"), StandardCharsets.UTF_8));
        ByteArrayOutputStream weights = new ByteArrayOutputStream();
        model.writeWeights(weights);
        assertArrayEquals(weights.toByteArray(), Files.readAllBytes(resources.resolve("it/kiln/Relu.weights")));
        assertEquals(List.of(sources.resolve("it/kiln/Relu.java")), filesUnder(sources));
        assertEquals(List.of(resources.resolve("it/kiln/Relu.weights")), filesUnder(resources));
    }

    @Test
    void oneDirectoryHoldsBoth(@TempDir Path tmp) throws IOException {
        GeneratedModel model = generate();
        model.writeTo(tmp);
        assertEquals(List.of(tmp.resolve("it/kiln/Relu.java"), tmp.resolve("it/kiln/Relu.weights")), filesUnder(tmp));
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFiles(@TempDir Path tmp) throws IOException {
        GeneratedModel model = generate();
        Path sources = tmp.resolve("sources");
        // A regular file where the weights' package directory must go makes the second half fail.
        Files.writeString(tmp.resolve("blocked"), "not a directory");
        assertThrows(UncheckedIOException.class, () -> model.writeTo(sources, tmp.resolve("blocked")));
        assertFalse(Files.exists(sources.resolve("it/kiln/Relu.java")));
        assertEquals(List.of(), filesUnder(sources));
    }

    @Test
    void aFailureThatIsNotAnIoErrorLeavesNoTemporaryFilesEither(@TempDir Path tmp) throws IOException {
        GeneratedModel model = generate();
        // Stands for an OutOfMemoryError while writing: the second source fails after its temporary file exists.
        Map<String, String> sources = new LinkedHashMap<>(model.sources());
        sources.put("it/kiln/Broken.java", null);
        GeneratedModel broken = new GeneratedModel(model.packageName(), model.className(), sources,
                model.compilation(), model.fingerprint(), model.stats());
        assertThrows(NullPointerException.class, () -> broken.writeTo(tmp));
        assertEquals(List.of(), filesUnder(tmp));
    }

    @Test
    void writtenFilesGetTheModeOfAnyNewFileInTheirFolder(@TempDir Path tmp) throws IOException {
        GeneratedModel model = generate();
        List<Path> written = model.writeTo(tmp.resolve("sources"), tmp.resolve("resources"));
        for (Path file : written) {
            // What the umask gives a file created the ordinary way, beside the generated one.
            Path ordinary = Files.writeString(file.resolveSibling("ordinary.txt"), "x");
            assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(ordinary)),
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
    }

    @Test
    void aWriteErrorSaysWhy(@TempDir Path tmp) throws IOException {
        GeneratedModel model = generate();
        Files.writeString(tmp.resolve("file"), "not a directory");
        Path out = tmp.resolve("file/out");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> model.writeTo(out));
        assertEquals("cannot write to " + out + ": " + out.resolve("it") + ": not a directory", e.getMessage());
    }

    @Test
    void aWriteErrorWithoutAReasonFromTheJdkStillSaysWhy() {
        // Linux refuses new folders in /proc with ENOENT, which Java reports as the bare path.
        Path out = Path.of("/proc/kiln-test");
        assumeTrue(Files.isDirectory(Path.of("/proc/self")));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> generate().writeTo(out));
        assertEquals("cannot write to /proc/kiln-test: no such file or directory", e.getMessage());
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
