package dev.kiln.codegen;

import dev.kiln.codegen.java.JavaBackend;
import dev.kiln.compiler.Compilation;

/** Picks the back end for a target and emits a compilation with it. */
public final class Generator {
    private Generator() {
    }

    public static GeneratedModel generate(Compilation compilation, GenerateOptions options) {
        return switch (options.target()) {
            case JAVA -> new JavaBackend().generate(compilation, options);
        };
    }
}
