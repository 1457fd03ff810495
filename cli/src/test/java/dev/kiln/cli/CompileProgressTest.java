package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress bars are for people at a terminal: anywhere else (here: the tests' pipes) nothing is drawn. */
class CompileProgressTest {
    @Test
    void aLargeModelOffATerminalDrawsNothing(@TempDir Path tmp) throws IOException {
        Path large = tmp.resolve("large.onnx");
        try (RandomAccessFile f = new RandomAccessFile(large.toFile(), "rw")) {
            f.setLength((CompileProgress.LARGE_MODEL_MB + 1L) << 20);
        }
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try (CompileProgress progress = CompileProgress.of(large)) {
            progress.reading().accept(8L << 20);
            progress.passes(1).accept(null, null);
        } finally {
            System.setErr(stderr);
        }
        assertEquals("", captured.toString());
    }
}
