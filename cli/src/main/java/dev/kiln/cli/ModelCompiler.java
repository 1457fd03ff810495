package dev.kiln.cli;

import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.Kiln;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.compiler.FileNames;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.passes.PassPipeline;
import java.nio.file.Path;
import java.util.function.Consumer;

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
        return compile(model, options, imported -> { });
    }

    /**
     * Like {@link #compile(Path, KilnOptions)}, showing {@code beforePasses} the model as imported.
     * Running out of heap is a {@link KilnException} that says how to get more ({@link #outOfMemory}).
     */
    static GeneratedModel compile(Path model, KilnOptions options, Consumer<Model> beforePasses) {
        try (CompileProgress progress = CompileProgress.of(model)) {
            Model imported = OnnxImporter.read(model, progress.reading());
            beforePasses.accept(imported);
            int passes = PassPipeline.standard(OpRegistry.standard()).passes().size()
                    + options.backend().passes(options.cpu()).size() - options.disabledPasses().size();
            var listener = progress.passes(passes);
            return Kiln.compile(imported, options.withAfterEachPass((pass, graph) -> {
                options.afterEachPass().accept(pass, graph);
                listener.accept(pass, graph);
            }));
        } catch (OutOfMemoryError e) {
            // The compile's arrays were reachable only from the frames just left, so there is room again.
            throw outOfMemory(model, "compiling", e);
        }
    }

    /**
     * The error for a heap too small for {@code model}: the JVM's own is a stack trace that
     * names neither the model nor the fix. Compiling needs about twice the model's weights
     * (docs/robustness.md, "Big models").
     */
    static KilnException outOfMemory(Path model, String doing, OutOfMemoryError e) {
        long maxMb = Runtime.getRuntime().maxMemory() >> 20;
        return new KilnException(FileNames.of(model) + ": out of memory " + doing + " (Java's heap is at most " + maxMb
                + " MB; Kiln needs about twice the model's weights); give Java more with -Xmx, e.g. "
                + "KILN_JAVA_OPTS=-Xmx8g ./kiln ... or java -Xmx8g -jar kiln.jar ...", e);
    }
}
