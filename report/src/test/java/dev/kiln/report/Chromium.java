package dev.kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium, for the -Pfull browser tests: each run gets a new,
 * empty profile and no network services. {@code KILN_CHROMIUM} names another binary.
 */
final class Chromium {
    private static final Path BINARY = Path.of(System.getenv().getOrDefault("KILN_CHROMIUM", "/usr/bin/chromium"));

    private Chromium() {
    }

    /** The page's DOM after its scripts ran ({@code --dump-dom}). */
    static String dumpDom(Path page, String fragment) throws IOException, InterruptedException {
        return run(page, fragment, List.of("--dump-dom"));
    }

    /** Writes a PNG of the top {@code width} x {@code height} pixels of the page. */
    static void screenshot(Path page, String fragment, Path png, int width, int height)
            throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(page, fragment, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars"));
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 8 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', "a PNG at " + png);
    }

    /** A value the page's script leaves on {@code <body data-NAME="...">}, or null. */
    static String bodyData(String dom, String name) {
        Matcher m = Pattern.compile("<body[^>]*\\sdata-" + name + "=\"([^\"]*)\"").matcher(dom);
        return m.find() ? m.group(1) : null;
    }

    private static String run(Path page, String fragment, List<String> action) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(BINARY), BINARY + " not found: the browser tests need Debian's chromium "
                + "(.ci/run installs it), or KILN_CHROMIUM set to a Chromium binary");
        Path profile = Files.createTempDirectory("kiln-chromium-");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile));
        command.addAll(action);
        command.add(page.toAbsolutePath().toUri() + fragment);
        Path stderr = Files.createTempFile("kiln-chromium-", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish in 120 s");
            assertEquals(0, p.exitValue(), "chromium failed:\n" + Files.readString(stderr));
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stderr);
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
