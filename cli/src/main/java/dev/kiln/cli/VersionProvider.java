package dev.kiln.cli;

import dev.kiln.compiler.KilnVersion;
import picocli.CommandLine;

/** {@code --version}: Kiln's version as Maven built it, and the Java running it. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"kiln " + KilnVersion.VERSION,
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
