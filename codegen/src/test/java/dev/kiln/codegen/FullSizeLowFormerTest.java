package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Full-size LowFormer B0 and B1, exported by PyTorch at test time (B1 is past
 * protobuf's default 64 MB message limit), compiled with the java back end and
 * checked against PyTorch's logits and ONNX Runtime. Needs Debian's
 * python3-torch and python3-onnx: run with {@code mvn verify -Pfull}.
 */
@Tag("full")
class FullSizeLowFormerTest {
    private static final Path EXPORT = Path.of("..", "examples", "lowformer", "export", "export.py");
    private static final Path OUT = Path.of("target", "lowformer-full");

    @ParameterizedTest(name = "{0} opset {1}")
    @CsvSource({"b0, 13", "b0, 17", "b1, 13", "b1, 17"})
    void matchesPyTorchAndOnnxRuntime(String variant, int opset) throws Exception {
        String stem = "lowformer_" + variant + "_op" + opset;
        Path model = PythonExports.export(EXPORT, OUT, stem, "--variant", variant, "--opset", Integer.toString(opset));
        float[] input = Fixtures.readFloats(OUT.resolve(stem + ".input.bin"));
        GeneratedModel g = Fixtures.generate(model, new InputBindings());
        float[] kiln = (float[]) LoadedModel.of(g).run(input)[0];
        float[] torch = Fixtures.readFloats(OUT.resolve(stem + ".output.bin"));
        float[] ort = Fixtures.onnxRuntime(model, input, new long[] {1, 3, 224, 224});
        assertEquals(1000, kiln.length);
        assertTrue(Agreement.relativeError(kiln, torch) <= 1e-4, "vs PyTorch " + Agreement.relativeError(kiln, torch));
        assertTrue(Agreement.relativeError(kiln, ort) <= 1e-4, "vs ONNX Runtime " + Agreement.relativeError(kiln, ort));
    }
}
