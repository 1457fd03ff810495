package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir
    Path tmp;

    @Test
    void outputMatchesPyTorchsSavedOutput() {
        Path out = tmp.resolve("logits.bin");
        Cli.Result r = Cli.run("run", Cli.fixture("lowformer_tiny_op13.onnx").toString(),
                "--input", Cli.fixture("lowformer_tiny_op13.input.bin").toString(), "--output", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        float[] kiln = Cli.readFloats(out);
        float[] torch = Cli.readFloats(Cli.fixture("lowformer_tiny_op13.output.bin"));
        assertEquals(torch.length, kiln.length);
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < torch.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) kiln[i] - torch[i]));
            maxRef = Math.max(maxRef, Math.abs(torch[i]));
        }
        assertTrue(maxDiff <= 1e-4 * Math.max(1, maxRef), "max diff " + maxDiff);
    }

    @Test
    void wrongInputLengthNamesExpectedAndActualCounts() {
        Path out = tmp.resolve("logits.bin");
        Cli.Result r = Cli.run("run", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(),
                "--input", Cli.fixture("lowformer_tiny_op13.input.bin").toString(), "--output", out.toString());
        assertEquals(1, r.exitCode(), r.toString());
        CompileCommandTest.assertOneErrorLine(r);
        assertTrue(r.err().contains("150528") && r.err().contains("expected 92928"), r.err());
        assertTrue(Files.notExists(out));
    }

    @Test
    void inputFileIsRequired() {
        Cli.Result r = Cli.run("run", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(), "--output", "x.bin");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--input"), r.err());
    }

    @Test
    void anOpenClSetUpFailureIsTheHostClassMessageNotAKilnBug() {
        // No device matches this name on any machine; without an OpenCL library or platform the
        // failure comes earlier, as another OpenClException. Either way no kernel runs.
        String old = System.setProperty("kiln.opencl.device", "no device has this name");
        try {
            Cli.Result r = Cli.run("run", Cli.fixture("lowformer_tiny_op13.onnx").toString(), "--target", "opencl",
                    "--input", Cli.fixture("lowformer_tiny_op13.input.bin").toString(),
                    "--output", tmp.resolve("logits.bin").toString());
            assertEquals(1, r.exitCode(), r.toString());
            CompileCommandTest.assertOneErrorLine(r);
            assertTrue(r.err().startsWith("kiln: error: LowformerTinyOp13") && r.err().contains("OpenCL"), r.err());
            assertFalse(r.err().contains("Kiln bug"), r.err());
        } finally {
            if (old == null) {
                System.clearProperty("kiln.opencl.device");
            } else {
                System.setProperty("kiln.opencl.device", old);
            }
        }
    }
}
