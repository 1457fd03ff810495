package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed LowFormer exports compiled with the opencl back end and run on an
 * OpenCL device (PoCL in CI), against PyTorch's saved logits and ONNX Runtime, with the
 * tolerance of the java back end.
 */
@Tag("opencl")
class OpenClFixturesTest {
    private static final double TOLERANCE = 1e-4;

    @BeforeEach
    void platform() {
        OpenClPlatform.require();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13", "lowformer_tiny_op17_176"})
    void fixedShapeExportsMatchPyTorchAndOnnxRuntime(String stem) {
        float[] input = Fixtures.input(stem);
        float[] kiln = run(Fixtures.model(stem), new InputBindings(), input);
        long side = (long) Math.sqrt(input.length / 3.0);
        float[] ort = Fixtures.onnxRuntime(Fixtures.model(stem), input, new long[] {1, 3, side, side});
        double vsTorch = Agreement.relativeError(kiln, Fixtures.pytorchOutput(stem));
        double vsOrt = Agreement.relativeError(kiln, ort);
        assertTrue(vsTorch <= TOLERANCE, "vs PyTorch: " + vsTorch);
        assertTrue(vsOrt <= TOLERANCE, "vs ONNX Runtime: " + vsOrt);
    }

    /** Output 0 of a one-input float model compiled for OpenCL, run once on the default device. */
    static float[] run(Path model, InputBindings bindings, float[] input) {
        GeneratedModel g = Kiln.compile(model, KilnOptions.defaults().withTarget("opencl").withBindings(bindings));
        try (LoadedModel m = LoadedModel.of(g)) {
            return (float[]) m.run(input)[0];
        }
    }
}
