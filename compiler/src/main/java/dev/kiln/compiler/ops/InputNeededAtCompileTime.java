package dev.kiln.compiler.ops;

import dev.kiln.compiler.CompileException;

/**
 * A graph input decides shapes (a Reshape's shape, say), so Kiln needs its value at
 * compile time. {@code Compilation} adds the setting that binds it, in the syntax of
 * the front end that started the compile.
 */
public final class InputNeededAtCompileTime extends CompileException {
    private static final long serialVersionUID = 1L;

    private final String input;

    InputNeededAtCompileTime(String message, String input) {
        super(message);
        this.input = input;
    }

    /** The graph input's name. */
    public String input() {
        return input;
    }
}
