package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/benchmarks.md as the suite writes it: sections side by side, tables from real measurements. */
class BenchDocTest {
    @Test
    void aSectionReplacesOnlyItsNamesakeAndKeepsTheRest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("docs").resolve("benchmarks.md");
        BenchDoc.write(file, "baseline", "## Baseline\n\nold\n");
        String intro = "# Benchmarks\n\nHand-written introduction.\n\n";
        Files.writeString(file, Files.readString(file).replaceFirst("(?s)^.*?(?=<!-- begin)", intro));
        BenchDoc.write(file, "current", "## Current\n\nfirst\n");
        BenchDoc.write(file, "baseline", "## Baseline\n\nnew\n");
        assertEquals(intro
                + BenchDoc.begin("baseline") + "\n## Baseline\n\nnew\n" + BenchDoc.end("baseline") + "\n\n"
                + BenchDoc.begin("current") + "\n## Current\n\nfirst\n" + BenchDoc.end("current") + "\n",
                Files.readString(file));
    }

    @Test
    void theSectionStatesTheCommandMachineJdkAndEachMeasuredFigure() {
        Cli.Result peak = Cli.run("bench", "--fma-peak", "--json");
        Cli.Result bench = Cli.run("bench", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(),
                "--threads", "1,2", "--warmup", "0", "--runs", "1", "--json");
        assertEquals(0, peak.exitCode() + bench.exitCode(), peak + "\n" + bench);
        BenchSuite.Jdk jdk = new BenchSuite.Jdk(Path.of(System.getProperty("java.home")),
                BenchSuite.parse(peak.out(), BenchSuite.PeakReport.class, "--fma-peak"));
        BenchReport report = BenchSuite.parse(bench.out(), BenchReport.class, "bench");
        SuiteModel tiny = new SuiteModel("tiny", "LowFormer-tiny", SuiteModel.Family.LOWFORMER, 1, 1);
        List<String> command = List.of("bench", "m.onnx", "--target", "java");
        BenchSuite.Row row = new BenchSuite.Row(tiny, jdk, "java", report, null, 2, 1.5, command);
        Machine machine = Machine.read();
        String md = BenchDoc.section(new BenchDoc.Run("baseline", "./kiln bench --suite", "2026-01-01 00:00 UTC",
                "abc1234", machine, 0.5, List.of(1, 2)).finished(0.7, 3), List.of(jdk), List.of(row),
                Path.of("target/bench/models"));

        assertTrue(md.startsWith("## Baseline\n\nMade by `./kiln bench --suite` on 2026-01-01 00:00 UTC, Kiln commit "
                + "abc1234, in 3.0 minutes."), md);
        assertTrue(md.contains(machine.cpuModel()) && md.contains(System.getProperty("java.runtime.version")), md);
        String version = System.getProperty("java.version");
        assertTrue(md.contains(String.format(Locale.ROOT, "| %s | %s | %.1f |", version, jdk.peak().species(),
                jdk.peak().gflops())), md);
        for (BenchReport.Result r : report.results()) {
            String line = String.format(Locale.ROOT, "| LowFormer-tiny † | %.0f | %s | java | %d | %.1f | %.1f | %.1f | "
                    + "%.1f | %.2f |", report.macs() / 1e6, version, r.threads(), r.kiln().medianMs(), r.kiln().minMs(),
                    r.onnxruntime().medianMs(), r.onnxruntime().minMs(), r.ratio());
            assertTrue(md.contains(line), line + " not in\n" + md);
        }
        assertTrue(md.contains(String.format(Locale.ROOT, " | %.1f | %.1f | %.0f | %.0f |", report.arenaBytes() / 1e6,
                report.intermediateBytes() / 1e6, report.loadMs(), report.onnxruntimeSessionMs())), md);
        assertTrue(md.contains("- Kiln's CPU profile (`--cpu`): " + report.cpu() + ".\n"), md);
        assertTrue(md.contains("JAVA_HOME=" + jdk.home() + " ./kiln bench m.onnx --target java\n"), md);
    }
}
