package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceCommandTest {
    @TempDir
    Path tmp;

    @Test
    void runsTheFilteredTestsAndEndsWithTheSummary() {
        Cli.Result r = Cli.run("conformance", Cli.NODE_TESTS.toString(), "--filter", "^test_(relu|add_bcast)$");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("conformance: 2 passed, 0 failed, 0 skipped", lastLine(r.out()));
    }

    @Test
    void aWrongExpectedOutputFailsWithExitCode3AndIsReported() throws IOException {
        Path suite = tmp.resolve("suite");
        copy(Cli.NODE_TESTS.resolve("test_relu"), suite.resolve("test_relu"));
        copy(Cli.NODE_TESTS.resolve("test_relu"), suite.resolve("test_relu_wrong"));
        Files.writeString(suite.resolve("INDEX.tsv"), "test_name\top_type\ntest_relu\tRelu\ntest_relu_wrong\tRelu\n");
        // Expect Relu(x) == x: wrong wherever x < 0, which the random test input has.
        Path data = suite.resolve("test_relu_wrong/test_data_set_0");
        Files.copy(data.resolve("input_0.pb"), data.resolve("output_0.pb"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path report = tmp.resolve("report.md");

        Cli.Result r = Cli.run("conformance", suite.toString(), "--report", report.toString());
        assertEquals(3, r.exitCode(), r.toString());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("FAILED test_relu_wrong (Relu): output 0"), lines.get(0));
        assertEquals("conformance: 1 passed, 1 failed, 0 skipped", lines.get(1));
        String md = Files.readString(report);
        assertTrue(md.contains("| op | tests | passed | failed | skipped | skip reasons |"), md);
        assertTrue(md.contains("| Relu | 2 | 1 | 1 | 0 |  |"), md);
        assertTrue(md.contains("- `test_relu_wrong` (Relu): output 0"), md);
    }

    @Test
    void aBadFilterIsBadUsage() {
        Cli.Result r = Cli.run("conformance", Cli.NODE_TESTS.toString(), "--filter", "(");
        assertEquals(2, r.exitCode(), r.toString());
        CompileCommandTest.assertOneErrorLine(r);
    }

    private static String lastLine(String text) {
        List<String> lines = text.strip().lines().toList();
        return lines.get(lines.size() - 1);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
