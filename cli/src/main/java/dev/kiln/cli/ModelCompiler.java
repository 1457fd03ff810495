package dev.kiln.cli;

import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.Kiln;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.passes.PassPipeline;
import java.nio.file.Path;

/** The compile step every command that runs a model shares: the passes and the real emitter. */
final class ModelCompiler {
    private ModelCompiler() {
    }

    /** Compiles {@code model} with the command's back end, profile and bindings, default names. */
    static GeneratedModel compile(Path model, BindingOptions binding, TargetOption target) {
        return compile(model, target.options().withBindings(binding.toBindings()));
    }

    /** Compiles {@code model}; a large one shows its progress on a terminal ({@link CompileProgress}). */
    static GeneratedModel compile(Path model, KilnOptions options) {
        try (CompileProgress progress = CompileProgress.of(model)) {
            Model imported = OnnxImporter.read(model, progress.reading());
            int passes = PassPipeline.standard(OpRegistry.standard()).passes().size()
                    + options.backend().passes(options.cpu()).size() - options.disabledPasses().size();
            var listener = progress.passes(passes);
            return Kiln.compile(imported, options.withAfterEachPass((pass, graph) -> {
                options.afterEachPass().accept(pass, graph);
                listener.accept(pass, graph);
            }));
        }
    }
}
