package dev.kiln.codegen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java source file that ships on Kiln's classpath (kiln-runtime-min's classes, the
 * OpenCL host support) copied into a generated package: the text with its package
 * declaration changed.
 *
 * <p>The sources are resources under {@value #ROOT}, not beside their classes: javac
 * searches the class path for sources as well, and compiles one that is newer than its
 * class file into the output of whatever it is compiling.
 */
public final class CopiedSource {
    /** The resource folder the shipped sources live under, by package path. */
    public static final String ROOT = "kiln-sources";

    private CopiedSource() {
    }

    /**
     * The source of class {@code name} of package {@code fromPackage}, as a resource of
     * {@code anchor}'s class loader, declared in {@code toPackage} instead ("" for none).
     */
    public static String of(Class<?> anchor, String fromPackage, String name, String toPackage) {
        String path = "/" + ROOT + "/" + fromPackage.replace('.', '/') + "/" + name + ".java";
        try (InputStream in = anchor.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("source " + path + " is missing from the classpath");
            }
            String src = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String pkg = toPackage.isEmpty() ? "" : "package " + toPackage + ";";
            return src.replaceFirst("package " + Pattern.quote(fromPackage) + ";", Matcher.quoteReplacement(pkg));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
