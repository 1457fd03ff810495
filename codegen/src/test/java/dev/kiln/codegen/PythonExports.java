package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs an example's PyTorch export script (Debian's python3) for the -Pfull tests. */
final class PythonExports {
    private PythonExports() {
    }

    /**
     * Runs {@code script args... --out out} unless {@code out/stem.onnx} and its saved
     * output are already there, and returns the model file.
     */
    static Path export(Path script, Path out, String stem, String... args) throws IOException, InterruptedException {
        Path model = out.resolve(stem + ".onnx");
        if (Files.exists(model) && Files.exists(out.resolve(stem + ".output.bin"))) {
            return model;
        }
        Files.createDirectories(out);
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--out", out.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "export failed (needs Debian's python3-torch, python3-onnx and "
                + "python3-torchvision; see .ci/run):\n" + log);
        return model;
    }

    /**
     * Kiln's logits for the export's saved 224x224 input (one image, 1000 classes) are within
     * 1e-4 of PyTorch's saved ones and of ONNX Runtime's.
     */
    static void assertMatchesPyTorchAndOnnxRuntime(Path model, Path out, String stem) {
        float[] input = Fixtures.readFloats(out.resolve(stem + ".input.bin"));
        float[] kiln = Fixtures.kiln(model, new InputBindings(), input);
        float[] torch = Fixtures.readFloats(out.resolve(stem + ".output.bin"));
        float[] ort = Fixtures.onnxRuntime(model, input, new long[] {1, 3, 224, 224});
        assertEquals(1000, kiln.length);
        assertTrue(Agreement.relativeError(kiln, torch) <= 1e-4, "vs PyTorch " + Agreement.relativeError(kiln, torch));
        assertTrue(Agreement.relativeError(kiln, ort) <= 1e-4, "vs ONNX Runtime " + Agreement.relativeError(kiln, ort));
    }
}
