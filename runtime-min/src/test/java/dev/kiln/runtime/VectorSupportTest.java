package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checks a vector model runs when its class initialises, each in a JVM started
 * the way it describes (this test's own JVM has no --add-modules).
 */
class VectorSupportTest {
    /** Runs VectorSupport.unavailableReason(lanes) in a new JVM with these options; returns what it printed. */
    private static String reasonInJvm(int lanes, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName(), String.valueOf(lanes)));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** Prints the reason, or "usable". */
    public static final class Probe {
        public static void main(String[] args) {
            String reason = VectorSupport.unavailableReason(Integer.parseInt(args[0]));
            System.out.println(reason == null ? "usable" : reason);
        }
    }

    @Test
    void withoutTheModuleTheReasonNamesTheFlag() {
        assertEquals("the JVM was started without --add-modules jdk.incubator.vector", VectorSupport.unavailableReason(8));
    }

    @Test
    void withTheModuleAndC2ItIsUsableUpToTheHardwaresWidth() throws Exception {
        assertEquals("usable", reasonInJvm(4, "--add-modules", "jdk.incubator.vector"));
        String wide = reasonInJvm(1024, "--add-modules", "jdk.incubator.vector");
        assertEquals(true, wide.startsWith("the CPU's vectors hold ") && wide.endsWith(
                "fewer than the 1024 the model was compiled for (compile it with a narrower --cpu profile)"), wide);
    }

    @Test
    void withoutC2TheReasonSaysWhy() throws Exception {
        assertEquals("the JVM runs in interpreted mode (-Xint)",
                reasonInJvm(4, "--add-modules", "jdk.incubator.vector", "-Xint"));
        assertEquals("the JVM stops compiling below C2 (-XX:TieredStopAtLevel=1)",
                reasonInJvm(4, "--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1"));
        assertNull(VectorSupport.c2Missing(), "this test's JVM has C2");
    }
}
