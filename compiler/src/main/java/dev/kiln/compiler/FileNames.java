package dev.kiln.compiler;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * How messages name files and file errors, the same in the compiler, the command
 * line and the Maven plugin: a file by a path the user can find it by, an I/O
 * failure by its reason (Java's file exceptions often carry only the path).
 */
public final class FileNames {
    private FileNames() {
    }

    /**
     * A path that identifies {@code file}: relative to the working directory when the
     * file is below it, else absolute. Never just the base name: every ONNX node test,
     * for one, is called {@code model.onnx}.
     */
    public static String of(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path workingDir = Path.of("").toAbsolutePath();
        if (absolute.startsWith(workingDir) && !absolute.equals(workingDir)) {
            return workingDir.relativize(absolute).toString();
        }
        return absolute.toString();
    }

    /**
     * Why an I/O operation on {@code where} failed: the reason, preceded by the file it
     * concerns when that is not {@code where} itself, e.g. {@code out/a: not a directory}.
     */
    public static String reason(IOException e, Path where) {
        if (!(e instanceof FileSystemException fs)) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        String reason = fs.getReason() != null ? lowerFirst(fs.getReason()) : missingReason(fs);
        if (fs.getFile() == null || Path.of(fs.getFile()).equals(where)) {
            return reason;
        }
        return fs.getFile() + ": " + reason;
    }

    /** The reason the JDK leaves out of these exceptions (their class says it). */
    private static String missingReason(FileSystemException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        } else if (e instanceof AccessDeniedException) {
            return "permission denied";
        } else if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        } else if (e instanceof NotDirectoryException) {
            return "not a directory";
        } else if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        return e.getClass().getSimpleName();
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
