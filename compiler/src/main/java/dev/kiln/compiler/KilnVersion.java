package dev.kiln.compiler;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Kiln version, as Maven built it. */
public final class KilnVersion {
    /** Like {@code 0.1.0}; "unknown" when run from an unfiltered build. */
    public static final String VERSION = read();

    private KilnVersion() {
    }

    private static String read() {
        try (InputStream in = KilnVersion.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
