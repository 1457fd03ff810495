package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 8, bug 4: on JDK 24+ the shaded protobuf of the old ONNX jar made every command
 * print four {@code WARNING:} lines about sun.misc.Unsafe, and ONNX Runtime's native
 * library added four more about restricted methods. Runs the packaged {@code kiln.jar}
 * (after {@code package}, as the {@code ./kiln} launcher does) on a JDK 24+ with
 * {@code --sun-misc-unsafe-memory-access=debug}, which reports every caller, not only the
 * first, and fails on any {@code WARNING:} line.
 *
 * <p>Skipped when no JDK 24+ is found (system property {@code kiln.jdk24.home}, else the
 * newest under /usr/lib/jvm); under {@code -Pfull} ({@code kiln.requireJdk24=true}) that fails.
 */
class NoJvmWarningsIT {
    private static final Path JAR = Path.of(System.getProperty("kiln.jar", "target/kiln.jar"));
    private static final Path MODEL = Cli.fixture("lowformer_tiny_op17_176.onnx");
    private static Path java;

    @BeforeAll
    static void findJdk() {
        Optional<Path> home = modernJdk();
        if (home.isEmpty()) {
            String why = "no JDK 24 or newer: set -Dkiln.jdk24.home or install one under /usr/lib/jvm";
            if (Boolean.getBoolean("kiln.requireJdk24")) {
                fail(why + " (-Pfull requires it)");
            }
            Assumptions.abort(why);
        }
        java = home.get().resolve("bin/java");
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: this test runs after package");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "compile MODEL -o OUT",
        "inspect MODEL",
        "run MODEL --input INPUT --output OUT/out.bin",
        "verify MODEL",
        "conformance ../conformance/onnx-node-tests --filter ^test_relu$",
        "operators",
    })
    void printsNoWarning(String command, @TempDir Path out) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--sun-misc-unsafe-memory-access=debug"));
        cmd.addAll(BenchSuite.launcherOptions()); // as ./kiln starts it (huge pages where Linux offers them)
        cmd.addAll(List.of("-jar", JAR.toString()));
        for (String arg : command.split(" ")) {
            cmd.add(arg.replace("MODEL", MODEL.toString()).replace("OUT", out.toString())
                    .replace("INPUT", Cli.fixture("lowformer_tiny_op17_176.input.bin").toString()));
        }
        Path log = out.resolve("kiln.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(command + " did not finish in 5 minutes");
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        List<String> warnings = text.lines().filter(l -> l.contains("WARNING:")).distinct().toList();
        assertEquals(List.of(), warnings.subList(0, Math.min(10, warnings.size())), "kiln " + command + " on " + java);
        assertEquals(0, p.exitValue(), text);
    }

    /** A JDK whose major version is 24 or more: the property's, else the newest in /usr/lib/jvm. */
    static Optional<Path> modernJdk() {
        String property = System.getProperty("kiln.jdk24.home", "");
        if (!property.isEmpty()) {
            return Optional.of(Path.of(property)).filter(h -> majorVersion(h) >= 24);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(h -> majorVersion(h) >= 24 && Files.isExecutable(h.resolve("bin/java")))
                    .max(Comparator.comparingInt(NoJvmWarningsIT::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The major version from a JDK's {@code release} file (JAVA_VERSION="25.0.3"), or 0. */
    private static int majorVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
