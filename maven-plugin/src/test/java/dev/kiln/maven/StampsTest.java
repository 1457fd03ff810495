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
        return file(tmp.resolve("out"), name);
    }

    private static Path file(Path root, String name) throws IOException {
        Path f = root.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, name);
        return f;
    }

    private Stamps stamps() {
        return new Stamps(tmp.resolve("stamps"), tmp.resolve("out"), tmp.resolve("res"));
    }

    /** A project folder with its own output folders and records, as the plugin lays them out. */
    private static Stamps projectStamps(Path project) {
        Path target = project.resolve("target");
        return new Stamps(target.resolve("kiln-stamps/default"), target.resolve("generated-sources/kiln"),
                target.resolve("generated-resources/kiln"));
    }

    /** Copies a folder tree, as {@code cp -r} does. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }

    @Test
    void upToDateOnlyWithTheSameStampAndAllFilesPresent() throws IOException {
        Stamps stamps = stamps();
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
        Stamps stamps = stamps();
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

    @Test
    void aCopiedProjectReadsAndDeletesOnlyItsOwnFiles() throws IOException {
        Path app = tmp.resolve("app");
        Stamps original = projectStamps(app);
        Path java = file(app, "target/generated-sources/kiln/a/M.java");
        Path weights = file(app, "target/generated-resources/kiln/a/M.weights");
        original.write("a.M", "s", List.of(java, weights));

        Path copy = tmp.resolve("app-copy");
        copyTree(app, copy);
        Stamps copied = projectStamps(copy);
        assertEquals(List.of(copy.resolve("target/generated-sources/kiln/a/M.java"),
                copy.resolve("target/generated-resources/kiln/a/M.weights")), copied.files("a.M"));

        // The copy's class is renamed: the copy's old files go, the original's stay.
        assertEquals(List.of("a.M"), copied.removeAllBut(Set.of("a.Renamed")));
        assertFalse(Files.exists(copy.resolve("target/generated-sources/kiln/a/M.java")));
        assertFalse(Files.exists(copy.resolve("target/generated-resources/kiln/a/M.weights")));
        assertTrue(Files.exists(java));
        assertTrue(Files.exists(weights));
        assertTrue(original.upToDate("a.M", "s"));
    }

    @Test
    void linesOutsideTheOutputFoldersAreNeverDeleted() throws IOException {
        Path stampsDir = tmp.resolve("stamps");
        Path elsewhere = file(tmp.resolve("elsewhere"), "a/M.java");
        Files.createDirectories(stampsDir);
        // The record format of Kiln before 0.1: absolute paths, here naming another project's file;
        // then a relative path that climbs out of the output folder.
        Files.writeString(stampsDir.resolve("a.M.stamp"), "s\n" + elsewhere + "\nsources:../../elsewhere/a/M.java\n");
        Stamps stamps = stamps();

        assertEquals(List.of(), stamps.files("a.M"));
        assertFalse(stamps.upToDate("a.M", "s"), "a record naming no usable file is regenerated");
        assertEquals(List.of("a.M"), stamps.removeAllBut(Set.of()));
        assertTrue(Files.exists(elsewhere));

        stamps.deleteUnlisted(List.of(elsewhere));
        assertTrue(Files.exists(elsewhere), "deleteUnlisted keeps to the output folders too");
    }
}
