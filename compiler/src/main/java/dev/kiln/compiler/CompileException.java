package dev.kiln.compiler;

/**
 * Something wrong with a model or with the options it was compiled with: an
 * unsupported op, a shape that cannot be known, a malformed file. The message is
 * one line meant for the user; it names the file, node, op, opset or shape at fault.
 */
public class CompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CompileException(String message) {
        super(message);
    }

    public CompileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same error with the model file named in front, unless it is already there. */
    public CompileException inFile(String file) {
        if (file == null || getMessage().startsWith(file + ": ")) {
            return this;
        }
        CompileException e = new CompileException(file + ": " + getMessage(), getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }
}
