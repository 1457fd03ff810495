package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed LowFormer exports, compiled with the java back end and run as
 * generated code, against PyTorch's saved logits and against ONNX Runtime.
 */
class LowFormerFixturesTest {
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13", "lowformer_tiny_op17_176"})
    void fixedShapeExportsMatchPyTorchAndOnnxRuntime(String stem) {
        float[] input = Fixtures.input(stem);
        float[] kiln = Fixtures.kiln(Fixtures.model(stem), new InputBindings(), input);
        float[] torch = Fixtures.pytorchOutput(stem);
        long side = (long) Math.sqrt(input.length / 3.0);
        float[] ort = Fixtures.onnxRuntime(Fixtures.model(stem), input, new long[] {1, 3, side, side});
        double vsTorch = Agreement.relativeError(kiln, torch);
        double vsOrt = Agreement.relativeError(kiln, ort);
        assertTrue(vsTorch <= TOLERANCE, "vs PyTorch: " + vsTorch);
        assertTrue(vsOrt <= TOLERANCE, "vs ONNX Runtime: " + vsOrt);
    }

    @Test
    void dynamicBatchExportCompilesForBatchOneAndTwo() {
        String stem = "lowformer_tiny_op13_dynbatch";
        float[] input2 = Fixtures.input(stem);
        float[] torch2 = Fixtures.pytorchOutput(stem);
        float[] kiln2 = Fixtures.kiln(Fixtures.model(stem), new InputBindings().dim("batch", 2), input2);
        assertTrue(Agreement.relativeError(kiln2, torch2) <= TOLERANCE, "batch 2 vs PyTorch");

        float[] input1 = Arrays.copyOf(input2, input2.length / 2);
        float[] kiln1 = Fixtures.kiln(Fixtures.model(stem), new InputBindings().dim("batch", 1), input1);
        float[] ort1 = Fixtures.onnxRuntime(Fixtures.model(stem), input1, new long[] {1, 3, 224, 224});
        assertTrue(Agreement.relativeError(kiln1, ort1) <= TOLERANCE, "batch 1 vs ONNX Runtime");
        assertEquals(1000, kiln1.length);
    }

    @Test
    void dynamicBatchExportCompilesForBatchEight() {
        String stem = "lowformer_tiny_op13_dynbatch";
        float[] two = Fixtures.input(stem);
        float[] input8 = new float[two.length * 4];
        for (int i = 0; i < input8.length; i++) {
            input8[i] = two[i % two.length] * (1 + i / two.length); // eight different images
        }
        float[] kiln = Fixtures.kiln(Fixtures.model(stem), new InputBindings().dim("batch", 8), input8);
        float[] ort = Fixtures.onnxRuntime(Fixtures.model(stem), input8, new long[] {8, 3, 224, 224});
        assertEquals(8000, kiln.length);
        assertTrue(Agreement.relativeError(kiln, ort) <= TOLERANCE, "batch 8 vs ONNX Runtime");
    }

    @Test
    void exporterPatternsAreCanonicalisedAndFused() {
        GeneratedModel g = KilnRunner.generate(Fixtures.model("lowformer_tiny_op13"), new InputBindings());
        Map<String, Integer> ops = g.compilation().model().graph().opHistogram();
        for (String gone : new String[] {"HardSigmoid", "Erf", "InstanceNormalization", "Shape", "Constant", "Pow",
            "Sqrt", "GlobalAveragePool"}) {
            assertFalse(ops.containsKey(gone), gone + " should be gone: " + ops);
        }
        // The norms' ReduceMeans are fused away; the one left is the pooling, which choose-layout
        // moved to channels-last as the mean over H and W.
        List<String> means = g.compilation().model().graph().nodes().stream().filter(n -> n.is("ReduceMean"))
                .map(n -> n.name()).toList();
        assertEquals(1, means.size(), means.toString());
        assertTrue(means.get(0).endsWith("GlobalAveragePool"), means.toString());
        // choose-layout moves the norms to channels-last, as their Kiln twin.
        assertEquals(4, ops.get("dev.kiln.GroupNormalization"));
        assertEquals(1, ops.get("LayerNormalization"));
        assertTrue(ops.get("dev.kiln.FusedConv") >= 15, ops.toString());
    }

    @Test
    void identicalNodesShareOneKernel() {
        // The java back end: the vector one emits a second, vector method beside most scalar ones.
        GeneratedModel g = Kiln.compile(Fixtures.model("lowformer_tiny_op13"), KilnOptions.defaults());
        assertTrue(g.stats().kernelMethods() < g.stats().steps(), g.stats().toString());
        // The batch-2 input of the dynbatch fixture starts with the op13 input: same logits for image 0.
        float[] a = (float[]) LoadedModel.of(g).run(Fixtures.input("lowformer_tiny_op13"))[0];
        assertArrayEquals(Fixtures.pytorchOutput("lowformer_tiny_op13"), a, 1e-4f);
    }
}
