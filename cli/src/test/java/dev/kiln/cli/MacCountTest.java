package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.InputBindings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The MACs a compilation counts ({@link Compilation#macs}) equal PyTorch's count of the same model
 * (examples/lowformer/export/lowformer.py's count_params_macs, saved in each
 * fixture's .json): the tiny LowFormer has every kind of layer the rule counts
 * (convolutions, depthwise ones, ConvTranspose, the attention's MatMuls, the head's
 * MatMul and Gemm), whatever Kiln's passes make of them.
 */
class MacCountTest {
    @ParameterizedTest(name = "{0} batch {1}")
    @CsvSource({"lowformer_tiny_op13, 1", "lowformer_tiny_op17_176, 1", "lowformer_tiny_op13_dynbatch, 2"})
    void countsWhatPyTorchCounts(String stem, int batch) throws Exception {
        InputBindings bindings = new InputBindings();
        if (stem.endsWith("dynbatch")) {
            bindings.dim("batch", batch);
        }
        Compilation c = Compilation.of(Cli.fixture(stem + ".onnx"), bindings);
        assertEquals(batch * torchMacs(Cli.fixture(stem + ".json")), c.macs());
    }

    /** The "macs" of an export's .json: per image. */
    static long torchMacs(Path json) throws Exception {
        Matcher m = Pattern.compile("\"macs\":\\s*(\\d+)").matcher(Files.readString(json));
        if (!m.find()) {
            throw new AssertionError("no macs in " + json);
        }
        return Long.parseLong(m.group(1));
    }
}
