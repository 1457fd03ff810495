package dev.kiln.codegen;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs a model built in a test the way users do: the whole compiler (import, passes),
 * the back end ({@link #TARGET}), javac in process, and the loaded class.
 */
final class KilnRunner {
    /**
     * The back end the tests that go through this class run on: {@code java}, or another
     * ({@code -Dkiln.test.target=vector}, as the build's second test run does).
     */
    static final String TARGET = System.getProperty("kiln.test.target", "java");

    private KilnRunner() {
    }

    /** The model compiled with every pass and no input bindings (it throws CompileException for what Kiln refuses). */
    static Compilation compile(ModelProto model) {
        return compile(model, Set.of());
    }

    /** Like {@link #compile(ModelProto)}, without the passes named in {@code disabled}. */
    static Compilation compile(ModelProto model, Set<String> disabled) {
        return Compilation.of(OnnxImporter.convert(model, "test_model.onnx", null, null),
                KilnOptions.defaults().withTarget(TARGET).withDisabledPasses(disabled).compileOptions());
    }

    /** A model file compiled with the tests' back end (its class named after the file), for the end-to-end tests. */
    static GeneratedModel generate(Path model, InputBindings bindings) {
        return Kiln.compile(model, KilnOptions.defaults().withTarget(TARGET).withBindings(bindings));
    }

    /** Kiln's outputs for {@code inputs} (in graph input order), run with {@code threads} worker threads. */
    static List<Tensor> run(ModelProto model, List<Tensor> inputs, int threads) {
        return run(compile(model), inputs, threads);
    }

    /** Kiln's outputs, typed as the compiled graph's outputs. */
    static List<Tensor> run(Compilation compilation, List<Tensor> inputs, int threads) {
        Backend backend = Backends.get(compilation.options().target().id());
        LoadedModel loaded = LoadedModel.of(backend.generate(compilation, GenerateOptions.defaults("test_model")));
        loaded.setThreads(threads);
        Object[] out = loaded.run(inputs.stream().map(Tensor::data).toArray());
        List<Tensor> result = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            result.add(new Tensor(compilation.model().graph().outputs().get(i).type(), out[i]));
        }
        return result;
    }
}
