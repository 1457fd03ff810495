package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LowFormer exported once with dynamic height and width, compiled for other image
 * sizes, against ONNX Runtime on the same export. Needs Debian's python3-torch
 * (the export is made at test time): run with {@code mvn verify -Pfull}.
 */
@Tag("full")
class DynamicSizeLowFormerTest {
    private static final Path OUT = Path.of("target", "lowformer-full");

    @ParameterizedTest(name = "{0}x{0}")
    @ValueSource(ints = {192, 256, 208})
    void compilesForAnotherImageSize(int size) throws Exception {
        String stem = "lowformer_tiny_op17_dynhw";
        Path model = PythonExports.export(Path.of("..", "examples", "lowformer", "export", "export.py"), OUT, stem,
                "--variant", "tiny", "--opset", "17", "--dynamic", "hw");
        float[] input = new float[3 * size * size];
        Random random = new Random(size);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        float[] kiln = Fixtures.kiln(model, new InputBindings().dim("height", size).dim("width", size), input);
        float[] ort = Fixtures.onnxRuntime(model, input, new long[] {1, 3, size, size});
        assertTrue(Agreement.relativeError(kiln, ort) <= 1e-4, "vs ONNX Runtime " + Agreement.relativeError(kiln, ort));
    }
}
