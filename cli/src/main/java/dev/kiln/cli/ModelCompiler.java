package dev.kiln.cli;

import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.Kiln;
import dev.kiln.codegen.KilnOptions;
import java.nio.file.Path;

/** The compile step every command that runs a model shares: the passes and the real emitter. */
final class ModelCompiler {
    private ModelCompiler() {
    }

    /** Compiles {@code model} with the command's back end, profile and bindings, default names. */
    static GeneratedModel compile(Path model, BindingOptions binding, TargetOption target) {
        return Kiln.compile(model, target.options().withBindings(binding.toBindings()));
    }

    static GeneratedModel compile(Path model, KilnOptions options) {
        return Kiln.compile(model, options);
    }
}
