package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The models of issue 10's "done when" on the opencl back end: full-size LowFormer B0
 * and B1 at opset 13 and 17 and seven torchvision models, exported by PyTorch at test
 * time (the exports the java back end's -Pfull tests use, where they overlap), run on
 * an OpenCL device and checked against PyTorch's logits and ONNX Runtime with the
 * java back end's end-to-end tolerance.
 */
@Tag("full")
@Tag("opencl")
class OpenClModelsTest {
    private static final Path LOWFORMER = Path.of("..", "examples", "lowformer", "export", "export.py");
    private static final Path TORCHVISION = Path.of("..", "examples", "torchvision", "export.py");
    private static final double TOLERANCE = 1e-4;

    @BeforeEach
    void platform() {
        OpenClPlatform.require();
    }

    @ParameterizedTest(name = "LowFormer {0} opset {1}")
    @CsvSource({"b0, 13", "b0, 17", "b1, 13", "b1, 17"})
    void lowFormer(String variant, int opset) throws Exception {
        Path out = Path.of("target", "lowformer-full");
        String stem = "lowformer_" + variant + "_op" + opset;
        Path model = PythonExports.export(LOWFORMER, out, stem, "--variant", variant, "--opset", Integer.toString(opset));
        assertMatches(model, out, stem);
    }

    @ParameterizedTest(name = "{0} opset {1}")
    @CsvSource({"resnet18, 13", "mobilenet_v2, 17", "mobilenet_v3_small, 17", "efficientnet_b0, 17",
        "regnet_y_400mf, 13", "convnext_tiny, 17", "vit_b_16, 13"})
    void torchvision(String name, int opset) throws Exception {
        Path out = Path.of("target", "torchvision");
        String stem = name + "_op" + opset;
        Path model = PythonExports.export(TORCHVISION, out, stem, "--model", name, "--opset", Integer.toString(opset));
        assertMatches(model, out, stem);
    }

    /** Kiln's logits on OpenCL for the export's saved 224x224 input, against PyTorch's and ONNX Runtime's. */
    private static void assertMatches(Path model, Path out, String stem) {
        float[] input = Fixtures.readFloats(out.resolve(stem + ".input.bin"));
        float[] kiln = OpenClFixturesTest.run(model, new InputBindings(), input);
        float[] torch = Fixtures.readFloats(out.resolve(stem + ".output.bin"));
        float[] ort = Fixtures.onnxRuntime(model, input, new long[] {1, 3, 224, 224});
        assertEquals(1000, kiln.length);
        double vsTorch = Agreement.relativeError(kiln, torch);
        double vsOrt = Agreement.relativeError(kiln, ort);
        // the figures of docs/opencl.md
        System.out.printf("%s on OpenCL: vs PyTorch %.1e, vs ONNX Runtime %.1e%n", stem, vsTorch, vsOrt);
        assertTrue(vsTorch <= TOLERANCE, "vs PyTorch " + vsTorch);
        assertTrue(vsOrt <= TOLERANCE, "vs ONNX Runtime " + vsOrt);
    }
}
