package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 8, bug 3: the invoker builds are tests, so {@code -DskipTests} and {@code -DskipITs}
 * skip them, and {@code -Dinvoker.skip} on the command line still decides. Asks Maven itself
 * (the {@code mvn} on the PATH, on this module's POM) what the invoker's {@code skipInvocation}
 * parameter, {@code ${invoker.skip}}, comes to for each command line.
 */
class SkipTestsSkipsInvokerTest {
    @ParameterizedTest(name = "mvn {0}: invoker skipped = {1}")
    @CsvSource({
        "'', false",
        "-DskipTests, true",
        "-DskipITs, true",
        "-DskipTests -Dinvoker.skip=false, false"})
    void invokerSkip(String flags, boolean skipped) throws Exception {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-q", "-f", "pom.xml",
                "org.apache.maven.plugins:maven-help-plugin:3.5.1:evaluate", "-Dexpression=invoker.skip",
                "-DforceStdout"));
        if (!flags.isEmpty()) {
            command.addAll(List.of(flags.split(" ")));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Maven 3.8 wraps even -B -q output in colour resets; they are not part of the value.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replaceAll("\u001B\\[[0-9;]*m", "").strip();
        assertEquals(0, p.waitFor(), out);
        // Without any of the flags the property is unset and the invoker's default, false, applies.
        assertEquals(skipped, out.equals("true"), "invoker.skip evaluates to: " + out);
    }
}
