package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How Kiln compiles generated code, and what ends up in the output. */
class InProcessJavacTest {

    /**
     * A library on the class path that has its sources beside its classes, the source
     * newer: javac's default would compile that source into the output (so a model
     * compiled against such a runtime carried its own copy of the runtime class).
     */
    @Test
    void aSourceOnTheClassPathIsNotCompiledIntoTheOutput(@TempDir Path dir) throws Exception {
        Map<String, byte[]> lib = InProcessJavac.compileClasses(
                Map.of("lib/Lib.java", "package lib; public class Lib { public static int api() { return 1; } }"),
                ClassLoader.getPlatformClassLoader(), List.of("--release", "8")).bytes();
        Path classes = Files.createDirectories(dir.resolve("lib"));
        Files.write(classes.resolve("Lib.class"), lib.get("lib.Lib"));
        Path source = Files.writeString(classes.resolve("Lib.java"),
                "package lib; public class Lib { public static int api() { return 2; } }");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(3600)));

        InProcessJavac.Classes model = InProcessJavac.compileClasses(
                Map.of("m/M.java", "package m; public class M { public static int f() { return lib.Lib.api(); } }"),
                ClassLoader.getPlatformClassLoader(), List.of("--release", "8", "-classpath", dir.toString()));

        assertEquals(Set.of("m.M"), model.bytes().keySet());
    }

    /** The sources kiln-runtime-min ships for standalone output are not where javac looks for sources. */
    @Test
    void theRuntimesSourcesShipApartFromItsClasses() {
        assertNull(InProcessJavacTest.class.getResource("/dev/kiln/runtime/KilnRuntime.java"));
        assertTrue(CopiedSource.of(InProcessJavacTest.class, "dev.kiln.runtime", "KilnRuntime", "x")
                .contains("package x;"));
    }
}
