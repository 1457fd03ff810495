package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerifyCommandTest {
    @Test
    void agreesWithOnnxRuntimeAndPyTorchOnTheFixtureInput() {
        Cli.Result r = Cli.run("verify", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(),
                "--input", Cli.fixture("lowformer_tiny_op17_176.input.bin").toString(),
                "--reference", Cli.fixture("lowformer_tiny_op17_176.output.bin").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> json = MiniJson.object(r.out());
        assertEquals(true, json.get("passed"));
        List<?> comparisons = (List<?>) json.get("comparisons");
        assertEquals(2, comparisons.size());
        Map<?, ?> ort = (Map<?, ?>) comparisons.get(0);
        assertEquals("onnxruntime", ort.get("reference"));
        assertEquals("logits", ort.get("output"));
        assertTrue((Double) ort.get("maxAbsDiff") <= (Double) ort.get("bound"), ort.toString());
        assertTrue((Double) ort.get("maxAbsRef") > 1, "real logits, not zeros: " + ort);
    }

    @Test
    void aReferenceThatDiffersFailsWithExitCode3() {
        // The op13 model's logits for another image: same length, different values.
        Cli.Result r = Cli.run("verify", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(),
                "--input", Cli.fixture("lowformer_tiny_op17_176.input.bin").toString(),
                "--reference", Cli.fixture("lowformer_tiny_op13.output.bin").toString(), "--no-onnxruntime");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAILED"), r.out());
        assertTrue(r.out().strip().endsWith("verify: FAILED"), r.out());
    }

    @Test
    void noOnnxRuntimeWithoutReferenceIsBadUsage() {
        Cli.Result r = Cli.run("verify", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(), "--no-onnxruntime");
        assertEquals(2, r.exitCode(), r.toString());
        CompileCommandTest.assertOneErrorLine(r);
    }
}
