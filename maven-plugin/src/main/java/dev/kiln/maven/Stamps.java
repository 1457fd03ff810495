package dev.kiln.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The up-to-date records of one goal execution: a file per generated class,
 * {@code <qualified class name>.stamp}, holding the stamp of what produced it
 * (see {@link ModelJob#stamp}) on its first line and the files written, one absolute
 * path a line, after it. A class whose record matches and whose files all exist is
 * not generated again; the files of a record whose class is no longer configured are
 * deleted.
 */
final class Stamps {
    private static final String SUFFIX = ".stamp";
    private final Path dir;

    Stamps(Path dir) {
        this.dir = dir;
    }

    /** Whether {@code className} was generated from {@code stamp} and all its files are still there. */
    boolean upToDate(String className, String stamp) throws IOException {
        Path record = record(className);
        if (!Files.isRegularFile(record)) {
            return false;
        }
        List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(stamp)) {
            return false;
        }
        for (String file : lines.subList(1, lines.size())) {
            if (!Files.isRegularFile(Path.of(file))) {
                return false;
            }
        }
        return true;
    }

    /** The files recorded for {@code className}, or none. */
    List<Path> files(String className) throws IOException {
        Path record = record(className);
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(record)) {
            List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
            for (String file : lines.subList(Math.min(1, lines.size()), lines.size())) {
                files.add(Path.of(file));
            }
        }
        return files;
    }

    void write(String className, String stamp, List<Path> files) throws IOException {
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>();
        lines.add(stamp);
        for (Path f : files) {
            lines.add(f.toAbsolutePath().toString());
        }
        Files.write(record(className), lines, StandardCharsets.UTF_8);
    }

    private void forget(String className) throws IOException {
        Files.deleteIfExists(record(className));
    }

    /**
     * Deletes the files and records of every class not in {@code keep}.
     *
     * @return the classes removed
     */
    List<String> removeAllBut(Set<String> keep) throws IOException {
        List<String> removed = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (String className : recorded()) {
            if (!keep.contains(className)) {
                files.addAll(files(className));
                forget(className);
                removed.add(className);
            }
        }
        deleteUnlisted(files);
        return removed;
    }

    /**
     * Deletes those of {@code files} that no record lists: standalone models of one
     * package share the runtime copies, which stay while any of them needs them.
     */
    void deleteUnlisted(List<Path> files) throws IOException {
        Set<Path> listed = new HashSet<>();
        for (String className : recorded()) {
            listed.addAll(files(className));
        }
        for (Path f : files) {
            if (!listed.contains(f)) {
                Files.deleteIfExists(f);
            }
        }
    }

    private List<String> recorded() throws IOException {
        List<String> classes = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return classes;
        }
        try (DirectoryStream<Path> records = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path record : records) {
                String name = record.getFileName().toString();
                classes.add(name.substring(0, name.length() - SUFFIX.length()));
            }
        }
        classes.sort(null);
        return classes;
    }

    private Path record(String className) {
        return dir.resolve(className + SUFFIX);
    }
}
