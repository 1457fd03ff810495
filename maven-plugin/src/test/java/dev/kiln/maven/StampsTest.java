package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The up-to-date records: when a class counts as up to date, and what removing one deletes. */
class StampsTest {
    @TempDir
    Path tmp;

    private Path file(String name) throws IOException {
        Path f = tmp.resolve("out").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, name);
        return f;
    }

    @Test
    void upToDateOnlyWithTheSameStampAndAllFilesPresent() throws IOException {
        Stamps stamps = new Stamps(tmp.resolve("stamps"));
        Path java = file("a/M.java");
        Path weights = file("a/M.weights");
        assertFalse(stamps.upToDate("a.M", "s1"), "nothing recorded yet");

        stamps.write("a.M", "s1", List.of(java, weights));
        assertTrue(stamps.upToDate("a.M", "s1"));
        assertFalse(stamps.upToDate("a.M", "s2"), "model or options changed");

        Files.delete(weights);
        assertFalse(stamps.upToDate("a.M", "s1"), "an output file was deleted");
    }

    @Test
    void removingAClassDeletesItsFilesButKeepsRuntimeCopiesAnotherClassStillLists() throws IOException {
        Stamps stamps = new Stamps(tmp.resolve("stamps"));
        Path runtime = file("a/WeightFile.java");
        Path a = file("a/A.java");
        Path b = file("a/B.java");
        stamps.write("a.A", "s", List.of(a, runtime));
        stamps.write("a.B", "s", List.of(b, runtime));

        assertEquals(List.of("a.A"), stamps.removeAllBut(Set.of("a.B")));
        assertFalse(Files.exists(a));
        assertTrue(Files.exists(runtime));
        assertTrue(Files.exists(b));
        assertFalse(stamps.upToDate("a.A", "s"));

        assertEquals(List.of("a.B"), stamps.removeAllBut(Set.of()));
        assertFalse(Files.exists(runtime));
        assertFalse(Files.exists(b));
    }
}
