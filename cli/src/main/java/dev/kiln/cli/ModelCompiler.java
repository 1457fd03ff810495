package dev.kiln.cli;

import dev.kiln.codegen.GenerateOptions;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.Generator;
import dev.kiln.codegen.Target;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.InputBindings;
import java.nio.file.Path;

/** The compile step every command that runs a model shares: the passes and the real emitter. */
final class ModelCompiler {
    private ModelCompiler() {
    }

    /** Compiles {@code model} with default package and class names for {@code target}. */
    static GeneratedModel compile(Path model, BindingOptions binding, Target target) {
        return compile(model, binding.toBindings(),
                GenerateOptions.defaults(model.getFileName().toString()).withTarget(target));
    }

    /** The bindings' stable description goes into the generated header and the fingerprint. */
    static GeneratedModel compile(Path model, InputBindings bindings, GenerateOptions options) {
        String flags = bindings.describe();
        Compilation c = Compilation.of(model, bindings);
        return Generator.generate(c, options.withCompileFlags(flags));
    }
}
