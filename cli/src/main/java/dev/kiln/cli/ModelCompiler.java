package dev.kiln.cli;

import dev.kiln.codegen.GenerateOptions;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.Generator;
import dev.kiln.codegen.Target;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.passes.PassPipeline;
import java.nio.file.Path;
import java.util.Set;

/** The compile step every command that runs a model shares: the passes and the real emitter. */
final class ModelCompiler {
    private ModelCompiler() {
    }

    /** Compiles {@code model} with default package and class names for {@code target}. */
    static GeneratedModel compile(Path model, BindingOptions binding, Target target) {
        return compile(model, binding.toBindings(),
                GenerateOptions.defaults(model.getFileName().toString()).withTarget(target));
    }

    /**
     * The bindings' stable description goes into the generated header and the fingerprint.
     * A large model shows its progress on a terminal ({@link CompileProgress}).
     */
    static GeneratedModel compile(Path model, InputBindings bindings, GenerateOptions options) {
        String flags = bindings.describe();
        try (CompileProgress progress = CompileProgress.of(model)) {
            Model imported = OnnxImporter.read(model, progress.reading());
            int passes = PassPipeline.standard(OpRegistry.standard()).passes().size();
            Compilation c = Compilation.of(imported, bindings, Set.of(), progress.passes(passes));
            progress.generating();
            return Generator.generate(c, options.withCompileFlags(flags));
        }
    }
}
