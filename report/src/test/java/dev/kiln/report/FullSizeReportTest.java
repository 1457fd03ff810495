package dev.kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import dev.kiln.codegen.KilnOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reports of full-size networks exported by PyTorch at test time (Debian's python3,
 * -Pfull): LowFormer-B0, whose MACs PyTorch counted at export, and swin_t, about
 * 6,300 imported nodes. Both render completely in Chromium without a script error.
 * How long writing and rendering took goes to {@code target/report-browser/timings.txt};
 * speed is measured here, never asserted.
 */
@Tag("full")
class FullSizeReportTest {
    private static final Path EXPORTS = Path.of("target", "exports");

    @Test
    void lowFormerB0() throws Exception {
        Path model = export(Path.of("..", "examples", "lowformer", "export", "export.py"), "lowformer_b0_op17",
                "--variant", "b0", "--opset", "17");
        CompileReport report = timedReport(model);
        long pytorch = JsonParser.parseString(Files.readString(EXPORTS.resolve("lowformer_b0_op17.json")))
                .getAsJsonObject().get("macs").getAsLong();
        assertEquals(pytorch, report.summary().macs());
        timedRender(report, "lowformer_b0_op17");
        Chromium.screenshot(BrowserTest.OUT.resolve("lowformer_b0_op17.html"), "",
                BrowserTest.OUT.resolve("lowformer_b0_op17.png"), 1400, 1800);
    }

    @Test
    void swinT() throws Exception {
        Path model = export(Path.of("..", "examples", "torchvision", "export.py"), "swin_t_op17",
                "--model", "swin_t", "--opset", "17");
        CompileReport report = timedReport(model);
        timedRender(report, "swin_t_op17");
    }

    private static CompileReport timedReport(Path model) throws IOException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        CompileReport report = CompileReport.build(model, KilnOptions.defaults(), LayerTimings.NONE);
        HtmlReport.write(report, BrowserTest.OUT.resolve(model.getFileName().toString().replace(".onnx", ".html")));
        record(model.getFileName() + ": " + report.summary().importedNodes() + " imported nodes, "
                + report.summary().nodes() + " after the passes; report built and written in "
                + (System.nanoTime() - start) / 1_000_000 + " ms, " + (os.getProcessCpuTime() - cpu) / 1_000_000
                + " ms of CPU (in a JVM that has run other tests)");
        return report;
    }

    private static void timedRender(CompileReport report, String stem) throws Exception {
        long start = System.nanoTime();
        String dom = BrowserTest.assertRendersCompletely(report, BrowserTest.OUT.resolve(stem + ".html"));
        record(stem + ": Chromium opened every stage in " + (System.nanoTime() - start) / 1_000_000
                + " ms from start to DOM dump; the page's script took " + Chromium.bodyData(dom, "render-ms") + " ms");
    }

    private static void record(String measured) throws IOException {
        String line = measured + "; load average " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        System.out.println(line);
        Files.createDirectories(BrowserTest.OUT);
        Files.writeString(BrowserTest.OUT.resolve("timings.txt"), line + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Runs an example's export script unless its output is there; the model file. */
    private static Path export(Path script, String stem, String... args) throws IOException, InterruptedException {
        Path model = EXPORTS.resolve(stem + ".onnx");
        if (Files.exists(model) && Files.exists(EXPORTS.resolve(stem + ".json"))) {
            return model;
        }
        Files.createDirectories(EXPORTS);
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--out", EXPORTS.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        p.waitFor(20, TimeUnit.MINUTES);
        assertEquals(0, p.exitValue(), "the export needs Debian's python3-torch, python3-onnx and python3-torchvision "
                + "(.ci/run installs them):\n" + log);
        return model;
    }
}
