package dev.kiln.cli;

/**
 * A problem with what the user gave the command (an input file of the wrong size,
 * an unreadable file) that is not a compile error. Its message is one line; it
 * exits with code 1.
 */
final class KilnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KilnException(String message) {
        super(message);
    }

    KilnException(String message, Throwable cause) {
        super(message, cause);
    }
}
