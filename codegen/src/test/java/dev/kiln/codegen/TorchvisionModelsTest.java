package dev.kiln.codegen;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real networks beyond LowFormer: torchvision models with seeded random weights,
 * exported by {@code examples/torchvision/export.py} at test time, compiled with the
 * java back end and checked against ONNX Runtime and PyTorch with the end-to-end
 * tolerance. The command {@code examples/torchvision/check_all.py} checks every model
 * of the export script; this test, run by {@code mvn verify -Pfull}, a few of them.
 */
@Tag("full")
class TorchvisionModelsTest {
    private static final Path EXPORT = Path.of("..", "examples", "torchvision", "export.py");
    private static final Path OUT = Path.of("target", "torchvision");

    @ParameterizedTest(name = "{0} opset {1}")
    @CsvSource({"resnet18, 13", "mobilenet_v3_small, 17", "efficientnet_b0, 17", "regnet_y_400mf, 13"})
    void matchesOnnxRuntimeAndPyTorch(String name, int opset) throws Exception {
        String stem = name + "_op" + opset;
        Path model = PythonExports.export(EXPORT, OUT, stem, "--model", name, "--opset", Integer.toString(opset));
        PythonExports.assertMatchesPyTorchAndOnnxRuntime(model, OUT, stem);
    }
}
