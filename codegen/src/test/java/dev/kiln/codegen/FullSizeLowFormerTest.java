package dev.kiln.codegen;

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
        PythonExports.assertMatchesPyTorchAndOnnxRuntime(model, OUT, stem);
    }
}
