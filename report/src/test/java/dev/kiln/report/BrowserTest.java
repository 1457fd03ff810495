package dev.kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The page in a real browser (Debian's headless Chromium, -Pfull): the page keeps
 * its script errors in {@code #kiln-errors}, which the DOM dump shows. Screenshots
 * stay in {@code target/report-browser/}.
 */
@Tag("full")
class BrowserTest {
    static final Path OUT = Path.of("target", "report-browser");

    /** The text of the page's error box, empty when no script failed. */
    static String scriptErrors(String dom) {
        Matcher m = Pattern.compile("<pre id=\"kiln-errors\"[^>]*>(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        assertTrue(m.find(), "the error box is in the page");
        return m.group(1);
    }

    /** Opens every stage of both graphs and checks that each box was drawn, without a script error. */
    static String assertRendersCompletely(CompileReport report, Path page) throws Exception {
        HtmlReport.write(report, page);
        String dom = Chromium.dumpDom(page, "#open-all");
        assertEquals("", scriptErrors(dom), "script errors");
        assertEquals("rendered", Chromium.bodyData(dom, "status"));
        int stages = report.before().stages().size() + report.after().stages().size();
        long boxes = report.before().stages().stream().mapToLong(s -> s.boxes().size()).sum()
                + report.after().stages().stream().mapToLong(s -> s.boxes().size()).sum();
        assertEquals(String.valueOf(stages), Chromium.bodyData(dom, "stages-drawn"));
        assertEquals(String.valueOf(boxes), Chromium.bodyData(dom, "nodes-drawn"));
        int rows = count(dom, "<tr id=\"layer-");
        assertEquals(report.layers().size(), rows, "one table row per layer");
        return dom;
    }

    @Test
    void tinyReportRendersWithoutScriptErrors() throws Exception {
        CompileReport report = CompileReportTest.report("lowformer_tiny_op17_176");
        Path page = OUT.resolve("lowformer_tiny_op17_176.html");
        String dom = assertRendersCompletely(report, page);
        long frames = report.before().stages().stream().mapToLong(s -> s.groups().size()).sum();
        assertEquals(frames, count(dom, "<g class=\"group\""), "a frame per fused layer in the imported graph");
        Chromium.screenshot(page, "", OUT.resolve("lowformer_tiny_op17_176.png"), 1400, 1600);
        Chromium.screenshot(page, "#before-stage-0", OUT.resolve("lowformer_tiny_op17_176-before.png"), 1400, 1600);
    }

    @Test
    void aScriptErrorIsKeptInThePage() throws Exception {
        // The same page with its data broken: the script fails, and the page must say so.
        String broken = HtmlReport.render(CompileReportTest.report("lowformer_tiny_op13"))
                .replace("{\"summary\":{", "{\"summary\":null,\"was\":{");
        Path page = OUT.resolve("broken.html");
        Files.createDirectories(OUT);
        Files.writeString(page, broken);
        String dom = Chromium.dumpDom(page, "");
        assertTrue(scriptErrors(dom).contains("TypeError"), scriptErrors(dom));
        assertEquals("loading", Chromium.bodyData(dom, "status"));
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
