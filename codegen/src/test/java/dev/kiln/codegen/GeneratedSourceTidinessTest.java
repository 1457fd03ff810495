package dev.kiln.codegen;

import static dev.kiln.compiler.testing.OnnxModelBuilder.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.conformance.TensorComparison;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.OnnxImporter;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 8, generated-code tidiness: the source is read by people, so it holds no index noise
 * ({@code y[yb + 0 + q]}, {@code (m0 + 0)}) and no branch that cannot run (the pointwise
 * convolution's partial-block {@code else} when the channel count divides evenly). Checked on
 * the generated source of the java back end; the kernels must still agree with ONNX Runtime.
 * (The input-count message's grammar: {@code GeneratedCodeContractTest}.)
 */
class GeneratedSourceTidinessTest {
    /** Adding or subtracting a literal zero: {@code + 0 +}, {@code + 0]}, {@code - 0)} (not {@code + 0.5f}). */
    private static final Pattern ZERO_TERM = Pattern.compile("[+-] 0(?![.\\dxXfFdDL])");

    private static String source(GeneratedModel model) {
        return String.join("\n", model.sources().values());
    }

    private static GeneratedModel generate(dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto model, boolean chooseLayout) {
        KilnOptions options = KilnOptions.defaults().withDisabledPasses(chooseLayout ? Set.of() : Set.of("choose-layout"));
        return Kiln.compile(OnnxImporter.convert(model, "tidy.onnx", null, null), options);
    }

    private static void assertNoZeroTerms(String source, String what) {
        Matcher m = ZERO_TERM.matcher(source);
        if (m.find()) {
            int line = source.substring(0, m.start()).split("\n", -1).length;
            throw new AssertionError(what + ": a literal zero term at line " + line + ": "
                    + source.split("\n", -1)[line - 1].trim());
        }
    }

    @ParameterizedTest(name = "{0}, choose-layout {1}")
    @CsvSource({"lowformer_tiny_op13, true", "lowformer_tiny_op13, false", "lowformer_tiny_op17_176, true",
        "lowformer_tiny_op17_176, false"})
    void lowFormerSourceHasNoZeroTerms(String stem, boolean chooseLayout) {
        GeneratedModel model = Kiln.compile(Fixtures.model(stem), KilnOptions.defaults().withBindings(new InputBindings())
                .withDisabledPasses(chooseLayout ? Set.of() : Set.of("choose-layout")));
        assertNoZeroTerms(source(model), stem);
    }

    /**
     * A pointwise convolution of M output channels (channels first) is written in blocks of four:
     * whole blocks only when 4 divides M, a partial block only when M < 4, both otherwise.
     */
    @ParameterizedTest(name = "M = {0}")
    @ValueSource(ints = {8, 6, 2, 1, 4})
    void pointwiseConvolutionHasOnlyTheBranchesItsChannelCountTakes(int m) {
        int c = 5;
        OnnxGraph g = new OnnxGraph(13)
                .input("x", new Tensor(new TensorType(ElementType.FLOAT, 1, c, 3, 3), random(1, c * 9, 1f)))
                .initializer("w", new Tensor(new TensorType(ElementType.FLOAT, m, c, 1, 1), random(2, m * c, 1f)))
                .initializer("b", new Tensor(new TensorType(ElementType.FLOAT, m), random(3, m, 1f)))
                .node("Conv", "x,w,b", "c").node("Relu", "c", "y").output("y", ElementType.FLOAT);
        GeneratedModel model = generate(g.model(), false);
        String source = source(model);
        assertTrue(source.contains("for (int t0 = 0;"), "the pointwise kernel:\n" + source);
        assertEquals(m % 4 != 0, source.contains("The last block has fewer than 4 output channels"), source);
        assertEquals(m > 4 && m % 4 != 0, source.contains("if (rows == 4)"), source);
        assertEquals(m >= 4, source.contains("float w3 = "), source);
        assertNoZeroTerms(source, "M = " + m);
        Tensor expected = g.onnxRuntime().get(0);
        Tensor kiln = new Tensor(expected.type(), LoadedModel.of(model).run(g.inputs().get(0).data())[0]);
        assertNull(TensorComparison.mismatch(expected, kiln, 1e-5, 1e-6), "M = " + m);
    }
}
