package dev.kiln.runtime;

/**
 * A weight file that cannot be used: missing, truncated, corrupted, or written
 * for a different model. The message names the file and what is wrong with it.
 */
public final class WeightFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WeightFileException(String message) {
        super(message);
    }

    public WeightFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
