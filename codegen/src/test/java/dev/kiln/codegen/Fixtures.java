package dev.kiln.codegen;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.InputBindings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** The committed LowFormer fixtures, and the two references: PyTorch's saved outputs and ONNX Runtime. */
final class Fixtures {
    static final Path DIR = Path.of("..", "examples", "lowformer", "fixtures");

    private Fixtures() {
    }

    static Path model(String stem) {
        return DIR.resolve(stem + ".onnx");
    }

    static float[] input(String stem) {
        return readFloats(DIR.resolve(stem + ".input.bin"));
    }

    static float[] pytorchOutput(String stem) {
        return readFloats(DIR.resolve(stem + ".output.bin"));
    }

    static float[] readFloats(Path file) {
        try {
            FloatBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float[] f = new float[b.remaining()];
            b.get(f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compiles a model with the java back end. */
    static GeneratedModel generate(Path model, InputBindings bindings) {
        Compilation c = Compilation.of(model, bindings);
        return Generator.generate(c, GenerateOptions.defaults(model.getFileName().toString()));
    }

    /** ONNX Runtime's output 0 for a one-input float model. */
    static float[] onnxRuntime(Path model, float[] input, long[] shape) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model.toString(), options);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                 OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), x))) {
                OnnxTensor y = (OnnxTensor) result.get(0);
                FloatBuffer out = y.getFloatBuffer();
                float[] f = new float[out.remaining()];
                out.get(f);
                return f;
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The end-to-end tolerance: max |a - ref| <= 1e-4 * max(1, max |ref|). */
    static double relativeError(float[] actual, float[] reference) {
        if (actual.length != reference.length) {
            throw new AssertionError(actual.length + " values, expected " + reference.length);
        }
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < reference.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) actual[i] - reference[i]));
            maxRef = Math.max(maxRef, Math.abs(reference[i]));
            if (Float.isNaN(actual[i])) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return maxDiff / Math.max(1, maxRef);
    }

    static final Set<String> STEMS = Set.of("lowformer_tiny_op13", "lowformer_tiny_op17_176");
}
