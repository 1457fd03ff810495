package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.CompileOptions;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Signature;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.onnx.ModelFile;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.onnx.text.OnnxTextPrinter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX's text syntax end to end, through the generated code: a model printed with its
 * weights (kiln print --weights) and compiled from that text computes bit for bit what the
 * .onnx original computes (OnnxTextRoundTripTest checks the text itself), and the
 * texts of the parser oracle (src/test/resources/onnxtxt-oracle in the compiler) compute
 * what ONNX Runtime computes from ONNX's own parse of the same text.
 */
class TextSyntaxOutputsTest {
    private static final Path ORACLE = Path.of("..", "compiler", "src", "test", "resources", "onnxtxt-oracle");
    /** Oracle texts Kiln refuses, and must refuse with a CompileException: If, an input of unknown rank. */
    private static final Set<String> NOT_COMPILED = Set.of("subgraph.onnxtxt", "types.onnxtxt");

    @TempDir
    Path tmp;

    /** The opset-17 fixture, and the opset-13 one with a symbolic batch (bound to 2). */
    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op17_176", "lowformer_tiny_op13_dynbatch"})
    void lowFormerPrintedWithWeightsGivesBitIdenticalLogits(String stem) throws IOException {
        Path original = Fixtures.model(stem);
        Path textFile = tmp.resolve(stem + ".onnxtxt");
        Files.writeString(textFile, OnnxTextPrinter.print(ModelFile.read(original).proto(), true), StandardCharsets.UTF_8);

        InputBindings bindings = stem.endsWith("dynbatch") ? new InputBindings().dim("batch", 2) : new InputBindings();
        float[] input = Fixtures.input(stem);
        float[] fromOnnx = Fixtures.kiln(original, bindings, input);
        float[] fromText = Fixtures.kiln(textFile, bindings, input);
        assertArrayEquals(fromOnnx, fromText, "logits of the .onnxtxt model");
        double vsTorch = Agreement.relativeError(fromText, Fixtures.pytorchOutput(stem));
        assertTrue(vsTorch <= 1e-4, "vs PyTorch " + vsTorch);
    }

    static List<Path> oracleTexts() throws IOException {
        try (Stream<Path> files = Files.list(ORACLE)) {
            return files.filter(ModelFile::isText).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oracleTexts")
    void oracleTextComputesWhatOnnxRuntimeComputesFromOnnxsParse(Path text) {
        InputBindings bindings = new InputBindings();
        for (Signature input : OnnxImporter.read(text).inputs()) {
            if (input.dims() != null) {
                input.dims().stream().filter(d -> d.symbol() != null).forEach(d -> bindings.dim(d.symbol(), 2));
            }
        }
        CompileOptions options = KilnOptions.defaults().withBindings(bindings).compileOptions();
        if (NOT_COMPILED.contains(text.getFileName().toString())) {
            assertThrows(CompileException.class, () -> Compilation.of(text, options));
            return;
        }
        Compilation c = Compilation.of(text, options);
        List<Tensor> inputs = new ArrayList<>();
        Random random = new Random(7);
        for (Value v : c.model().graph().inputs()) {
            float[] data = new float[v.type().intSize()];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) random.nextGaussian();
            }
            inputs.add(Tensor.ofFloats(v.type().dims(), data));
        }
        String name = text.getFileName().toString();
        Path onnxsParse = text.resolveSibling(name.substring(0, name.length() - ".onnxtxt".length()) + ".onnx");
        Agreement.assertClose(OrtRunner.run(onnxsParse, inputs), KilnRunner.run(c, inputs, 1), 1e-5, 1e-6,
                name);
    }
}
