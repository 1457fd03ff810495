package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Attention;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import dev.kiln.compiler.testing.TorchAttention;
import dev.kiln.compiler.testing.TorchAttention.Cut;
import dev.kiln.compiler.testing.TorchAttention.Scale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * fuse-attention against ONNX Runtime: LowFormer's attention as PyTorch exports it,
 * built node by node and in the committed LowFormer fixtures, becomes one
 * dev.kiln.Attention (exported back as standard ops, it computes what the original
 * does); near misses are left alone.
 */
class FuseAttentionTest {
    private static final String PASS = "fuse-attention";
    private static final Map<String, Integer> FUSED = Map.of("dev.kiln.Attention", 1);

    /** Two heads of 4 channels on a 3 x 5 image. */
    private static TorchAttention small() {
        return new TorchAttention(1, 2, 4, 3, 5);
    }

    private static Attention.Params fusedParams(PassHarness.Rewritten r) {
        Node n = r.graph().nodes().stream().filter(x -> x.opType().equals(Attention.OP_TYPE)).findFirst().orElseThrow();
        return Attention.params(n);
    }

    /** Runs the pass on a near miss: nothing changes, and the graph still computes what ONNX Runtime does. */
    private static void assertLeftAlone(OnnxModelBuilder m) {
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(0, r.rewrites(PASS));
        assertEquals(1, r.ops().get("Softmax"));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17})
    void pytorchExportFuses(int opset) {
        PassHarness.Rewritten r = PassHarness.run(small().opset(opset).build(), PASS);
        r.assertOps(FUSED);
        assertEquals(1, r.rewrites(PASS));
        assertEquals(new Attention.Params(1, 2, 4, 3, 5, 0.5f, false), fusedParams(r));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @ParameterizedTest
    @EnumSource(Scale.class)
    void everyScalingFuses(Scale scale) {
        PassHarness.Rewritten r = PassHarness.run(new TorchAttention(2, 3, 5, 4, 4).scale(scale).build(), PASS);
        r.assertOps(FUSED);
        assertEquals(scale == Scale.NONE ? 1f : (float) (1 / Math.sqrt(5)), fusedParams(r).scale(), 1e-7f);
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @ParameterizedTest
    @EnumSource(Cut.class)
    void everyCutFuses(Cut cut) {
        PassHarness.Rewritten r = PassHarness.run(small().cut(cut).build(), PASS);
        r.assertOps(FUSED);
        r.assertMatchesOnnxRuntime(1e-5);
    }

    /** Here the final Reshape changes nothing, and remove-no-op-reshapes drops it before this pass. */
    @Test
    void oneHeadOfOneChannelOnOneRowFuses() {
        PassHarness.Rewritten r = PassHarness.run(new TorchAttention(1, 1, 1, 1, 3).opset(17).scale(Scale.MUL).build(),
                "remove-no-op-reshapes", PASS);
        assertEquals(1, r.rewrites("remove-no-op-reshapes"));
        r.assertOps(FUSED);
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void channelsLastGraphFusesBetweenItsTransposes() {
        PassHarness.Rewritten r = PassHarness.run(small().channelsLast().build(), PASS);
        r.assertOps(Map.of("dev.kiln.Attention", 1, "Transpose", 2));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void scoresReadElsewhereAreLeftAlone() {
        assertLeftAlone(small().build().output("scaled"));
    }

    @Test
    void weightsReadElsewhereAreLeftAlone() {
        assertLeftAlone(small().build().node("ReduceSum", "weights", "total", attr("keepdims", 0L)).output("total"));
    }

    @Test
    void maskedScoresAreLeftAlone() {
        assertLeftAlone(small().masked().build());
    }

    @Test
    void softmaxOverQueriesIsLeftAlone() {
        assertLeftAlone(small().softmaxAxis(2).build());
    }

    @Test
    void keysTimesQueriesIsLeftAlone() {
        assertLeftAlone(small().keysFirst().build());
    }

    /**
     * Heads that are not groups of X's channels: x [1, 24, 3, 5] grouped as [1, 2, 36, 5]
     * moves image rows into each head's channels, and the 5 "tokens" are columns. The
     * result is reshaped to an image of the right size, but it is not the fused op's.
     */
    @Test
    void reshapeToOtherHeadsIsLeftAlone() {
        assertLeftAlone(small().groupedAs(1, 2, 36, 5).imageAs(1, 8, 3, 5).build());
    }

    @Test
    void resultReshapedToAnotherImageIsLeftAlone() {
        assertLeftAlone(small().imageAs(1, 8, 5, 3).build());
    }

    @ParameterizedTest
    @CsvSource({"lowformer_tiny_op13, 0", "lowformer_tiny_op17_176, 0", "lowformer_tiny_op13_dynbatch, 2"})
    void lowformerFixturesFuseEveryAttention(String fixture, int batch) throws IOException {
        Path file = Path.of("..", "examples", "lowformer", "fixtures", fixture + ".onnx");
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(file));
        Model m = PassHarness.importModel(proto);
        OpRegistry registry = OpRegistry.standard();
        CheckSupport.check(m.graph(), registry);
        BindInputs.apply(m, batch == 0 ? new InputBindings() : new InputBindings().dim("batch", batch));
        List<PassPipeline.Step> steps = PassPipeline.standard(registry).run(m.graph(), (p, g) -> { });
        PassHarness.Rewritten r = new PassHarness.Rewritten(proto, m, steps);
        assertEquals(2, r.rewrites(PASS));
        assertEquals(2, r.ops().get("dev.kiln.Attention"));
        assertNull(r.ops().get("Softmax"), "an attention left unfused");
        r.assertMatchesOnnxRuntime(1e-4);
    }
}
