package dev.kiln.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Renders a {@link CompileReport} as one self-contained HTML page: the page's
 * markup, style and script (resources beside this class) with the report as JSON
 * inlined. Nothing is fetched from the network. The model's names reach the page
 * only inside that JSON, which Gson writes with {@code <}, {@code >} and {@code &}
 * escaped, and the script puts them into the page as text, never as markup.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /** The page as a string. */
    public static String render(CompileReport report) {
        Gson gson = new GsonBuilder().create();
        return resource("report.html")
                .replace("/*KILN-STYLE*/", resource("report.css"))
                .replace("/*KILN-SCRIPT*/", resource("report.js"))
                .replace("/*KILN-DATA*/", gson.toJson(report));
    }

    /**
     * Writes the page to {@code file}, through a temporary file moved into place, so a
     * failure never leaves half a page.
     */
    public static void write(CompileReport report, Path file) {
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling(target.getFileName() + ".tmp");
            try {
                Files.writeString(temp, render(report), StandardCharsets.UTF_8);
                try {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report " + file + ": " + e.getMessage(), e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the kiln-report jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
