package dev.kiln.codegen;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.onnx.OnnxImporter;
import java.nio.file.Path;

/**
 * Kiln as a library: one call from a model to Java source and a weight file. The
 * command line and the Maven plugin use it; so can other build tools and tests.
 *
 * <pre>{@code
 * GeneratedModel model = Kiln.compile(Path.of("model.onnx"),
 *         KilnOptions.defaults().withPackage("com.example").withClassName("Classifier"));
 * model.writeTo(Path.of("generated"));   // com/example/Classifier.java and Classifier.weights
 * }</pre>
 *
 * Anything wrong with the model or the options (a malformed file, an unsupported op,
 * a shape that cannot be known, an unknown target or profile) is a
 * {@link CompileException} whose one-line message names the file, node, op, opset or
 * shape at fault.
 */
public final class Kiln {
    private Kiln() {
    }

    /** Reads, compiles and generates {@code modelFile} (.onnx, or .onnxtxt in ONNX's text syntax). */
    public static GeneratedModel compile(Path modelFile, KilnOptions options) {
        return compile(OnnxImporter.read(modelFile), options);
    }

    /** Compiles and generates an imported model; its graph is rewritten in place. */
    public static GeneratedModel compile(Model model, KilnOptions options) {
        Backend backend = options.backend();
        Compilation compilation = Compilation.of(model, options.compileOptions());
        GenerateOptions naming;
        try {
            naming = options.generateOptions(fileName(model.sourceName()));
        } catch (IllegalArgumentException e) {
            throw new CompileException(e.getMessage());
        }
        return backend.generate(compilation, naming);
    }

    private static String fileName(String source) {
        int slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
        return source.substring(slash + 1);
    }
}
