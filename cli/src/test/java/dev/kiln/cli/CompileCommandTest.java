package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompileCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesSourceAndWeightsWithDefaultNamesAndASummary() throws Exception {
        Path out = tmp.resolve("src");
        Cli.Result r = Cli.run("compile", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(), "-o", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        Path source = out.resolve("kiln/generated/LowformerTinyOp17176.java");
        Path weights = out.resolve("kiln/generated/LowformerTinyOp17176.weights");
        assertTrue(Files.readString(source).contains("public final class LowformerTinyOp17176"), "class declaration");
        assertTrue(r.out().contains("weights " + Files.size(weights) + " bytes"), r.out());
        assertTrue(r.out().contains("fuse-conv-activation"), "passes applied: " + r.out());
        assertEquals("", r.err());
    }

    @Test
    void jsonSummaryParsesAndMatchesTheFilesWritten() throws Exception {
        Path out = tmp.resolve("gen");
        Cli.Result r = Cli.run("compile", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(), "-o", out.toString(),
                "--package", "com.example.vision", "--class", "Classifier", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> json = MiniJson.object(r.out());
        assertEquals("com.example.vision.Classifier", json.get("class"));
        Path weights = out.resolve("com/example/vision/Classifier.weights");
        assertEquals((double) Files.size(weights), json.get("weightBytes"));
        assertTrue(((List<?>) json.get("files")).contains(weights.toString()), json.get("files").toString());
        assertTrue(Files.exists(out.resolve("com/example/vision/Classifier.java")));
        assertTrue((Double) json.get("arenaBytes") > 0);
    }

    @Test
    void missingDimOfADynamicInputNamesInputAxisSymbolAndTheFix() {
        Cli.Result r = Cli.run("compile", Cli.fixture("lowformer_tiny_op13_dynbatch.onnx").toString(), "-o",
                tmp.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertOneErrorLine(r);
        for (String part : new String[] {"input 'input'", "axis 0", "'batch'", "--dim batch=N"}) {
            assertTrue(r.err().contains(part), "missing " + part + ": " + r.err());
        }
    }

    @Test
    void aDimOfZeroNamesTheOptionNotANodeDeepInside() {
        Path model = Cli.fixture("lowformer_tiny_op13_dynbatch.onnx");
        Cli.Result r = Cli.run("compile", model.toString(), "-o", tmp.toString(), "--dim", "batch=0");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("kiln: error: " + model.toAbsolutePath().normalize()
                + ": --dim batch=0: a symbolic dimension's size must be at least 1\n", r.err());
    }

    @Test
    void aModelBelowTheWorkingDirectoryIsNamedByItsPathFromThere() throws Exception {
        // Every node test is called model.onnx: the base name alone would not say which one.
        Path model = Path.of("target", "compile-test", "test_relu", "model.onnx");
        Files.createDirectories(model.getParent());
        Files.copy(Cli.NODE_TESTS.resolve("test_relu/model.onnx"), model, StandardCopyOption.REPLACE_EXISTING);
        Cli.Result r = Cli.run("compile", model.toAbsolutePath().toString(), "-o", tmp.toString(), "--dim", "n=1");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("kiln: error: " + model + ": --dim n=1: no input has a dimension named 'n'"
                + " (the inputs have no symbolic dimensions)\n", r.err());
    }

    @Test
    void aWriteErrorSaysWhy() {
        // Linux refuses new folders in /proc with ENOENT, which Java reports as the bare path.
        assumeTrue(Files.isDirectory(Path.of("/proc/self")));
        Cli.Result r = Cli.run("compile", Cli.NODE_TESTS.resolve("test_relu/model.onnx").toString(), "-o", "/proc/nope");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("kiln: error: cannot write to /proc/nope: no such file or directory\n", r.err());
    }

    @Test
    void dimBindsTheSymbol() {
        Cli.Result r = Cli.run("compile", Cli.fixture("lowformer_tiny_op13_dynbatch.onnx").toString(), "-o",
                tmp.toString(), "--dim", "batch=3", "--json");
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void truncatedModelIsOneLineErrorWithExitCode1() throws Exception {
        byte[] whole = Files.readAllBytes(Cli.fixture("lowformer_tiny_op13.onnx"));
        Path truncated = tmp.resolve("truncated.onnx");
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 3));
        Cli.Result r = Cli.run("compile", truncated.toString(), "-o", tmp.resolve("out").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertOneErrorLine(r);
        assertTrue(r.err().contains("truncated.onnx") && r.err().contains("not an ONNX model"), r.err());
        assertTrue(Files.notExists(tmp.resolve("out")), "nothing written");
    }

    @Test
    void nonOnnxFileIsOneLineErrorWithExitCode1() {
        Cli.Result r = Cli.run("compile", Cli.fixture("README.md").toString(), "-o", tmp.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertOneErrorLine(r);
        assertTrue(r.err().contains("README.md") && r.err().contains("not an ONNX model"), r.err());
    }

    @Test
    void missingModelFileIsExitCode1() {
        Cli.Result r = Cli.run("compile", tmp.resolve("nope.onnx").toString(), "-o", tmp.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no such file"), r.err());
    }

    @Test
    void badUsageIsOneLineErrorWithExitCode2() {
        String model = Cli.fixture("lowformer_tiny_op17_176.onnx").toString();
        String[][] cases = {
            {"compile", model},
            {"compile", model, "-o", tmp.toString(), "--no-such-option"},
            {"compile", model, "-o", tmp.toString(), "--shape", "input=1x3xabc"},
            {"compile", model, "-o", tmp.toString(), "--dim", "batch"},
            {"compile", model, "-o", tmp.toString(), "--package", "not a package"},
            {"compile", model, "-o", tmp.toString(), "--target", "cuda"},
            {"compile", model, "-o", tmp.toString(), "--cpu", "pentium"},
            {"frobnicate"},
            {},
        };
        for (String[] args : cases) {
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", args) + ": " + r);
            assertOneErrorLine(r);
        }
    }

    @Test
    void cpuProfileIsInTheSummaryTheHeaderAndTheFingerprint() throws Exception {
        String model = Cli.fixture("lowformer_tiny_op17_176.onnx").toString();
        Path v3 = tmp.resolve("v3");
        Path v4 = tmp.resolve("v4");
        Cli.Result d = Cli.run("compile", model, "-o", v3.toString(), "--json");
        Cli.Result r = Cli.run("compile", model, "-o", v4.toString(), "--cpu", "x86-64-v4");
        assertEquals(0, d.exitCode(), d.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("x86-64-v3", MiniJson.object(d.out()).get("cpu"), "the default profile");
        assertTrue(r.out().contains("cpu     x86-64-v4 (16 float lanes"), r.out());
        String header = Files.readString(v4.resolve("kiln/generated/LowformerTinyOp17176.java"));
        assertTrue(header.contains("Options: --target java --cpu x86-64-v4"), header.substring(0, 600));
        assertTrue(header.contains("CPU profile: x86-64-v4 (16 float lanes"), header.substring(0, 600));
        String defaultSource = Files.readString(v3.resolve("kiln/generated/LowformerTinyOp17176.java"));
        assertTrue(!fingerprint(header).equals(fingerprint(defaultSource)), "the profile is part of the fingerprint");
    }

    @Test
    void unknownCpuProfileNamesTheChoices() {
        Cli.Result r = Cli.run("compile", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(), "-o", tmp.toString(),
                "--cpu", "pentium");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--cpu: unknown CPU profile 'pentium' (profiles: generic, x86-64-v3, x86-64-v4, "
                + "neon, native)"), r.err());
    }

    private static String fingerprint(String source) {
        int at = source.indexOf("FINGERPRINT = \"");
        return source.substring(at, at + 80);
    }

    @Test
    void constantFromARawFloatFileNeedsItsShape() throws Exception {
        Path raw = tmp.resolve("k.bin");
        Files.write(raw, new byte[16]);
        Cli.Result r = Cli.run("compile", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(), "-o", tmp.toString(),
                "--const", "input=" + raw);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--shape input="), r.err());
    }

    @Test
    void versionAndHelpOnEveryCommand() {
        Cli.Result v = Cli.run("--version");
        assertEquals(0, v.exitCode());
        assertTrue(v.out().startsWith("kiln " + dev.kiln.compiler.KilnVersion.VERSION), v.out());
        for (String command : new String[] {"compile", "run", "verify", "inspect", "conformance", "demo"}) {
            Cli.Result h = Cli.run(command, "--help");
            assertEquals(0, h.exitCode(), command);
            assertTrue(h.out().startsWith("Usage: kiln " + command), h.out());
            assertTrue(h.out().contains("Exit codes:"), h.out());
            assertEquals(0, Cli.run(command, "--version").exitCode(), command);
        }
    }

    @Test
    void debugAddsTheStackTrace() {
        Cli.Result r = Cli.run("compile", Cli.fixture("README.md").toString(), "-o", tmp.toString(), "--debug");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("kiln: error: "), r.err());
        assertTrue(r.err().contains("\tat dev.kiln.compiler.onnx.OnnxImporter.read"), r.err());
    }

    /** The error contract: exactly one line on stderr, starting with "kiln: error: ", and no stack trace. */
    static void assertOneErrorLine(Cli.Result r) {
        assertTrue(r.err().startsWith("kiln: error: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
}
