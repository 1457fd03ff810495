package dev.kiln.codegen;

import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** Kiln's output 0 for a one-input float model, compiled with {@code bindings} and run once. */
    static float[] kiln(Path model, InputBindings bindings, float[] input) {
        return (float[]) LoadedModel.of(KilnRunner.generate(model, bindings)).run(input)[0];
    }

    /** ONNX Runtime's output 0 for a one-input float model. */
    static float[] onnxRuntime(Path model, float[] input, long[] shape) {
        return OrtRunner.run(model, List.of(Tensor.ofFloats(shape, input))).get(0).floats();
    }

    static final Set<String> STEMS = Set.of("lowformer_tiny_op13", "lowformer_tiny_op17_176");
}
