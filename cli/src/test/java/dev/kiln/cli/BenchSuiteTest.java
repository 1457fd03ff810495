package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln bench --suite} end to end on one small model: exported by PyTorch,
 * measured in a child JVM, written as a section of the page. Needs Debian's
 * python3-torch and python3-torchvision: run with {@code mvn verify -Pfull}.
 */
@Tag("full")
class BenchSuiteTest {
    private static final Path MODELS = Path.of("..", "target", "bench", "models");

    @Test
    void measuresInAChildJvmAndWritesTheSection(@TempDir Path dir) throws Exception {
        SuiteModel mobilenet = SuiteModel.all().stream().filter(m -> m.key().equals("mobilenet_v3_small"))
                .findFirst().orElseThrow();
        // Exported here from the source tree: the suite itself exports from the folder it runs in.
        Path model = mobilenet.exported(Path.of(".."), MODELS);
        Path out = dir.resolve("benchmarks.md");
        String java = System.getProperty("java.home");
        Cli.Result r = Cli.run("bench", "--suite", "--models", "mobilenet_v3_small", "--jdk", java,
                "--threads", "1", "--warmup", "0", "--runs", "1", "--retries", "0", "--models-dir", MODELS.toString(),
                "--out", out.toString(), "--section", "test");
        assertEquals(0, r.exitCode(), r.toString());
        String md = Files.readString(out);
        assertTrue(md.contains(BenchDoc.begin("test") + "\n## Test\n\nMade by `"), md);
        assertTrue(md.contains("| mobilenet_v3_small | 57 | " + System.getProperty("java.version") + " | java | 1 | "), md);
        assertTrue(md.contains("JAVA_HOME=" + java + " ./kiln bench " + model + " --target java --threads 1 --warmup 0 --runs 1\n"), md);
        assertTrue(md.endsWith(BenchDoc.end("test") + "\n"), md);
    }
}
