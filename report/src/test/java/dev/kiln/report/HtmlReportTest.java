package dev.kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page as text: self-contained, safe with hostile names, deterministic, and the timing column's data path. */
class HtmlReportTest {
    private static final String HOSTILE = "</script><img src=x onerror=alert(1)><!--";

    @TempDir
    Path dir;

    /** A two-node model whose input, value and node names try to break out of the page's script. */
    private Path hostileModel() throws IOException {
        OnnxModelBuilder b = new OnnxModelBuilder(17).input(HOSTILE, 1, 4)
                .node("Relu", HOSTILE, "r" + HOSTILE)
                .node("Sigmoid", "r" + HOSTILE, "y")
                .output("y");
        b.graph().getNodeBuilder(0).setName("/evil/" + HOSTILE + "/Relu");
        Path model = dir.resolve("hostile.onnx");
        Files.write(model, b.bytes());
        return model;
    }

    private static JsonObject data(String page) {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"kiln-data\">(.*?)</script>", Pattern.DOTALL)
                .matcher(page);
        assertTrue(m.find(), "the report's data is in the page");
        return JsonParser.parseString(m.group(1)).getAsJsonObject();
    }

    @Test
    void modelNamesStayInsideTheDataAsEscapedText() throws IOException {
        String page = HtmlReport.render(CompileReport.build(hostileModel(), KilnOptions.defaults(), LayerTimings.NONE));
        assertFalse(page.contains(HOSTILE), "a raw name would end the script and inject markup");
        assertFalse(page.contains("<img"));
        JsonObject layer0 = data(page).getAsJsonArray("layers").get(0).getAsJsonObject();
        assertEquals("/evil/" + HOSTILE + "/Relu", layer0.get("name").getAsString(), "the name survives intact");
    }

    @Test
    void thePageFetchesNothing() {
        String page = HtmlReport.render(CompileReportTest.report("lowformer_tiny_op13"));
        assertFalse(Pattern.compile("<(script|link|img|iframe)[^>]*\\s(src|href)=").matcher(page).find());
        assertFalse(page.contains("@import") || page.contains("url(http") || page.contains("fetch(")
                || page.contains("XMLHttpRequest"));
        // The one address in it is SVG's namespace name, which is never loaded.
        assertEquals(page.split("http", -1).length - 1, page.split("http://www.w3.org/2000/svg", -1).length - 1);
    }

    @Test
    void theSameModelGivesTheSamePage() throws IOException {
        Path model = CompileReportTest.FIXTURES.resolve("lowformer_tiny_op17_176.onnx");
        String first = HtmlReport.render(CompileReport.build(model, KilnOptions.defaults(), LayerTimings.NONE));
        String second = HtmlReport.render(CompileReport.build(model, KilnOptions.defaults(), LayerTimings.NONE));
        assertEquals(first, second);
        Path file = dir.resolve("sub/report.html");
        HtmlReport.write(CompileReportTest.report("lowformer_tiny_op17_176"), file);
        assertEquals(first, Files.readString(file));
        assertFalse(Files.exists(dir.resolve("sub/report.html.tmp")));
    }

    @Test
    void measuredTimesReachTheirLayersByKernelStep() throws IOException {
        Path model = hostileModel();
        CompileReport r = CompileReport.build(model, KilnOptions.defaults(), LayerTimings.ofSteps(0.25, Double.NaN));
        assertTrue(r.summary().profiled());
        assertEquals(0, r.layers().get(0).step());
        assertEquals(0.25, r.layers().get(0).millis());
        assertNull(r.layers().get(1).millis(), "step 1 was not measured");
        CompileReport unprofiled = CompileReport.build(model, KilnOptions.defaults(), LayerTimings.NONE);
        assertFalse(unprofiled.summary().profiled());
        assertNull(unprofiled.layers().get(0).millis());
    }
}
