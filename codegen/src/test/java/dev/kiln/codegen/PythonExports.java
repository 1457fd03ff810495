package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
