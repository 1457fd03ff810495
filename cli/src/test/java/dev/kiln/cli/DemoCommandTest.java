package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void compilesBuildsRunsAndMatchesPyTorch() {
        Path dir = tmp.resolve("kiln-demo");
        Cli.Result r = Cli.run("demo", "--dir", dir.toString(), "--runs", "1");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("matches within 1e-4"), r.out());
        assertTrue(r.out().contains("top 5"), r.out());
        assertTrue(r.out().contains("latency"), r.out());
        assertTrue(Files.exists(dir.resolve("src/kiln/generated/LowformerTinyOp17176.java")));
        assertTrue(Files.exists(dir.resolve("classes/kiln/generated/LowformerTinyOp17176.class")));
        assertTrue(Files.exists(dir.resolve("classes/kiln/generated/LowformerTinyOp17176.weights")));
    }

    @Test
    void topFiveIsTheLargestLogitsInOrder() {
        assertEquals("#2 9.0000, #0 3.0000, #5 2.0000, #3 1.0000, #1 -1.0000",
                DemoCommand.topFive(new float[] {3, -1, 9, 1, -5, 2}));
    }
}
