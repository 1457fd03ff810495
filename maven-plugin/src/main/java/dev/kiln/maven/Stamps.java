package dev.kiln.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The up-to-date records of one goal execution: a file per generated class,
 * {@code <qualified class name>.stamp}, holding the stamp of what produced it
 * (see {@link ModelJob#stamp}) on its first line and the files written after it,
 * one a line, each as {@code ROOT:relative/path} where ROOT names one of the
 * execution's output folders ({@code sources} or {@code resources}).
 *
 * <p>A class whose record matches and whose files all exist is not generated again;
 * the files of a record whose class is no longer configured are deleted. Records
 * never hold absolute paths, so a project copied with its {@code target} folder
 * (or moved) reads its own files, never the original's; and a line that does not
 * resolve inside an output folder (an older record format, a hand-edited file) is
 * ignored: the plugin deletes nothing outside its own project's output folders.
 */
final class Stamps {
    private static final String SUFFIX = ".stamp";
    private final Path dir;
    /** The output folders files may be recorded under, by the name written in the records. */
    private final Map<String, Path> roots = new LinkedHashMap<>();

    Stamps(Path dir, Path sourceRoot, Path resourceRoot) {
        this.dir = dir;
        roots.put("sources", sourceRoot.toAbsolutePath().normalize());
        roots.put("resources", resourceRoot.toAbsolutePath().normalize());
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
        for (String line : lines.subList(1, lines.size())) {
            Path file = resolve(line);
            if (file == null || !Files.isRegularFile(file)) {
                return false;
            }
        }
        return true;
    }

    /** The files recorded for {@code className} that lie inside the output folders, or none. */
    List<Path> files(String className) throws IOException {
        Path record = record(className);
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(record)) {
            List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                Path file = resolve(line);
                if (file != null) {
                    files.add(file);
                }
            }
        }
        return files;
    }

    /**
     * Records {@code files} as the output of {@code className}.
     *
     * @throws IllegalArgumentException if a file is outside both output folders
     */
    void write(String className, String stamp, List<Path> files) throws IOException {
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>();
        lines.add(stamp);
        for (Path f : files) {
            lines.add(relative(f));
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
     * Only files inside the output folders are ever deleted.
     */
    void deleteUnlisted(List<Path> files) throws IOException {
        Set<Path> listed = new HashSet<>();
        for (String className : recorded()) {
            listed.addAll(files(className));
        }
        for (Path f : files) {
            Path file = f.toAbsolutePath().normalize();
            if (!listed.contains(file) && insideRoots(file)) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** {@code ROOT:relative/path} for a file inside one of the output folders. */
    private String relative(Path file) {
        Path f = file.toAbsolutePath().normalize();
        for (Map.Entry<String, Path> root : roots.entrySet()) {
            if (f.startsWith(root.getValue()) && !f.equals(root.getValue())) {
                return root.getKey() + ":" + root.getValue().relativize(f).toString().replace('\\', '/');
            }
        }
        throw new IllegalArgumentException(file + " is outside the output folders " + roots.values());
    }

    /** The file a record line names, or null if the line does not name one inside an output folder. */
    private Path resolve(String line) {
        int colon = line.indexOf(':');
        Path root = colon < 0 ? null : roots.get(line.substring(0, colon));
        if (root == null) {
            return null;
        }
        String rel = line.substring(colon + 1);
        if (rel.isEmpty() || rel.startsWith("/") || rel.startsWith("\\")) {
            return null;
        }
        Path f = root.resolve(rel).normalize();
        return f.startsWith(root) && !f.equals(root) ? f : null;
    }

    private boolean insideRoots(Path file) {
        for (Path root : roots.values()) {
            if (file.startsWith(root) && !file.equals(root)) {
                return true;
            }
        }
        return false;
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
