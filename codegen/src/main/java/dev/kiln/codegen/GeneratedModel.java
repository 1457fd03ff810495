package dev.kiln.codegen;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.FileNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The output of a back end: source files by path relative to the output directory,
 * and the weight file that goes beside the model class. Files that are not Java
 * sources (the opencl back end's {@code M.cl}) are resources: like the weight file,
 * they must end up beside the class on the classpath.
 *
 * @param sources text by relative path, e.g. {@code kiln/generated/M.java}, {@code kiln/generated/M.cl}
 * @param fingerprint the compile's fingerprint, also in the weight file header
 * @param stats numbers for the summary and report
 */
public record GeneratedModel(String packageName, String className, Map<String, String> sources,
                             Compilation compilation, String fingerprint, Stats stats) {

    /**
     * @param kernelMethods distinct kernel methods emitted
     * @param steps kernel calls per inference
     * @param largestMethodChars the largest generated method body, in characters of source
     */
    public record Stats(int kernelMethods, int steps, int largestMethodChars) {
    }

    /** The back end that wrote it: what javac and the JVM need for its sources. */
    public Backend backend() {
        return Backends.get(compilation.options().target().id());
    }

    /** The fully qualified class name. */
    public String qualifiedName() {
        return packageName.isEmpty() ? className : packageName + "." + className;
    }

    /** The weight file's path relative to the output directory, e.g. {@code kiln/generated/M.weights}. */
    public String weightsPath() {
        return (packageName.isEmpty() ? "" : packageName.replace('.', '/') + "/") + className + ".weights";
    }

    /** Bytes of the weight file. */
    public long weightBytes() {
        return WeightFileWriter.fileBytes(compilation.plan());
    }

    /** Writes the weight file to a stream. */
    public void writeWeights(OutputStream out) throws IOException {
        WeightFileWriter.write(compilation.plan(), fingerprint, out);
    }

    /**
     * Writes every source file and the weight file under {@code dir}. Each file is
     * written to a temporary name first and moved into place only when all are
     * complete, so a failure never leaves a half-written output.
     *
     * @return the files written
     */
    public List<Path> writeTo(Path dir) {
        return writeTo(dir, dir);
    }

    /**
     * Like {@link #writeTo(Path)}, but with the Java sources under {@code sourceDir} and the
     * weight file and other resources under {@code weightsDir}, at the same package path, for
     * builds that keep sources and resources apart (they must still end up beside the class).
     *
     * @return the files written, sources first
     */
    public List<Path> writeTo(Path sourceDir, Path weightsDir) {
        List<Path[]> moves = new ArrayList<>();
        boolean moved = false;
        try {
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path target = (e.getKey().endsWith(".java") ? sourceDir : weightsDir).resolve(e.getKey());
                Files.createDirectories(target.getParent());
                Path tmp = temporaryFileBeside(target);
                moves.add(new Path[] {tmp, target});
                Files.writeString(tmp, e.getValue(), StandardCharsets.UTF_8);
            }
            Path weights = weightsDir.resolve(weightsPath());
            Files.createDirectories(weights.getParent());
            Path tmp = temporaryFileBeside(weights);
            moves.add(new Path[] {tmp, weights});
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writeWeights(out);
            }
            List<Path> written = new ArrayList<>();
            for (Path[] m : moves) {
                move(m[0], m[1]);
                written.add(m[1]);
            }
            moved = true;
            return written;
        } catch (IOException e) {
            String where = sourceDir.equals(weightsDir) ? sourceDir.toString() : sourceDir + " and " + weightsDir;
            Path dir = sourceDir.equals(weightsDir) ? sourceDir : null;
            throw new UncheckedIOException("cannot write to " + where + ": " + FileNames.reason(e, dir), e);
        } finally {
            // Whatever failed (an I/O error, or the heap running out while writing), no temporary file stays.
            if (!moved) {
                for (Path[] m : moves) {
                    try {
                        Files.deleteIfExists(m[0]);
                    } catch (IOException ignored) {
                        // best effort: the original failure is what matters
                    }
                }
            }
        }
    }

    /**
     * Creates an empty file with an unused name in {@code target}'s folder. Unlike
     * {@link Files#createTempFile}, which makes files only their owner can read, it is
     * created like any other file, with the permissions the umask gives: the move
     * keeps them, and the generated files must be as readable as the rest of a build.
     */
    private static Path temporaryFileBeside(Path target) throws IOException {
        while (true) {
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
