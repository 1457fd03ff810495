package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed LowFormer exports (the dynamic-batch one at batch 2 and 1) compiled with the opencl back end and run on an
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

    @Test
    void dynamicBatchExportMatchesForBatchTwoAndOne() {
        String stem = "lowformer_tiny_op13_dynbatch";
        float[] input2 = Fixtures.input(stem);
        float[] kiln2 = run(Fixtures.model(stem), new InputBindings().dim("batch", 2), input2);
        assertEquals(2000, kiln2.length);
        assertTrue(Agreement.relativeError(kiln2, Fixtures.pytorchOutput(stem)) <= TOLERANCE, "batch 2 vs PyTorch");

        float[] input1 = Arrays.copyOf(input2, input2.length / 2);
        float[] kiln1 = run(Fixtures.model(stem), new InputBindings().dim("batch", 1), input1);
        float[] ort1 = Fixtures.onnxRuntime(Fixtures.model(stem), input1, new long[] {1, 3, 224, 224});
        assertEquals(1000, kiln1.length);
        assertTrue(Agreement.relativeError(kiln1, ort1) <= TOLERANCE, "batch 1 vs ONNX Runtime");
    }

    /** Output 0 of a one-input float model compiled for OpenCL, run once on the default device. */
    static float[] run(Path model, InputBindings bindings, float[] input) {
        GeneratedModel g = Kiln.compile(model, KilnOptions.defaults().withTarget("opencl").withBindings(bindings));
        try (LoadedModel m = LoadedModel.of(g)) {
            return (float[]) m.run(input)[0];
        }
    }
}
