package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static dev.kiln.compiler.testing.OnnxModelBuilder.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fuse-layernorm against ONNX Runtime's LayerNormalization (opset 17) and the unfused original. */
class FuseLayerNormTest {
    private static final String PASS = "fuse-layernorm";

    /**
     * PyTorch's opset-13 export of nn.LayerNorm over {@code axes} of x[2,3,8]: ReduceMean, Sub,
     * Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul weight, Add bias.
     */
    private static OnnxModelBuilder torchLayerNorm(long[] axes, long[] affineDims, int affineSize) {
        return new OnnxModelBuilder(13).input("x", 2, 3, 8)
                .scalar("two", 2).scalar("eps", 1e-2f)
                .initializer("gamma", random(3, affineSize, 2), affineDims)
                .initializer("beta", random(4, affineSize, 1), affineDims)
                .node("ReduceMean", "x", "mean", attr("axes", axes))
                .node("Sub", "x,mean", "d")
                .node("Pow", "d,two", "sq")
                .node("ReduceMean", "sq", "var", attr("axes", axes))
                .node("Add", "var,eps", "ve")
                .node("Sqrt", "ve", "std")
                .node("Div", "d,std", "n")
                .node("Mul", "n,gamma", "s")
                .node("Add", "s,beta", "y")
                .output("y");
    }

    @Test
    void pytorchExportBecomesLayerNormalization() {
        PassHarness.Rewritten r = PassHarness.run(torchLayerNorm(new long[] {-1}, new long[] {8}, 8), PASS);
        r.assertOps(Map.of("LayerNormalization", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void twoTrailingAxesAndLeadingOnesInTheAffineShapesFuse() {
        PassHarness.Rewritten r = PassHarness.run(torchLayerNorm(new long[] {1, 2}, new long[] {1, 3, 8}, 24), PASS);
        r.assertOps(Map.of("LayerNormalization", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void withoutAffineAndWithMulSquareFuses() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 4, 16).scalar("eps", 1e-6f)
                .node("ReduceMean", "x", "mean", attr("axes", new long[] {-1}))
                .node("Sub", "x,mean", "d")
                .node("Mul", "d,d", "sq")
                .node("ReduceMean", "sq", "var", attr("axes", new long[] {-1}))
                .node("Add", "eps,var", "ve")
                .node("Sqrt", "ve", "std")
                .node("Div", "d,std", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        r.assertOps(Map.of("LayerNormalization", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void reducingANonTrailingAxisIsLeftAlone() {
        PassHarness.Rewritten r = PassHarness.run(torchLayerNorm(new long[] {1}, new long[] {3, 1}, 3), PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void affineOperandsThatBroadcastDifferentlyStayOutside() {
        // gamma [2,1,8] varies along the batch axis, so it cannot become LayerNormalization's scale.
        PassHarness.Rewritten r = PassHarness.run(torchLayerNorm(new long[] {-1}, new long[] {2, 1, 8}, 16), PASS);
        assertEquals(1, r.rewrites(PASS));
        assertEquals(Map.of("LayerNormalization", 1, "Mul", 1, "Add", 1), r.ops());
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void centredValueReadElsewhereIsLeftAlone() {
        PassHarness.Rewritten r = PassHarness.run(torchLayerNorm(new long[] {-1}, new long[] {8}, 8).output("d"), PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void squareOfSomethingElseIsLeftAlone() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 4, 16).scalar("eps", 1e-6f).scalar("three", 3)
                .node("ReduceMean", "x", "mean", attr("axes", new long[] {-1}))
                .node("Sub", "x,mean", "d")
                .node("Pow", "d,three", "sq")
                .node("ReduceMean", "sq", "var", attr("axes", new long[] {-1}))
                .node("Add", "var,eps", "ve")
                .node("Sqrt", "ve", "std")
                .node("Div", "d,std", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void epsilonThatBroadcastsToAHigherRankIsLeftAlone() {
        // eps of shape [1,1,1] makes the result [1,4,16] while LayerNormalization(x) would be [4,16].
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 4, 16)
                .initializer("eps", new float[] {1e-5f}, 1, 1, 1)
                .node("ReduceMean", "x", "mean", attr("axes", new long[] {-1}))
                .node("Sub", "x,mean", "d")
                .node("Mul", "d,d", "sq")
                .node("ReduceMean", "sq", "var", attr("axes", new long[] {-1}))
                .node("Add", "var,eps", "ve")
                .node("Sqrt", "ve", "std")
                .node("Div", "d,std", "n")
                .node("Transpose", "n", "y", attr("perm", new long[] {2, 1, 0}))
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void gammaWithMoreLeadingOnesThanXHasAxesStaysOutside() {
        // gamma [1,1,1,8] on x [2,3,8]: the product is [1,2,3,8], so the Mul must stay.
        OnnxModelBuilder m = torchLayerNorm(new long[] {-1}, new long[] {8}, 8);
        m.graph().removeInitializer(2);
        m.initializer("gamma", random(3, 8, 2), 1, 1, 1, 8);
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(Map.of("LayerNormalization", 1, "Mul", 1, "Add", 1), r.ops());
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void opset18SpellingWithAxesAsAnInputFuses() {
        OnnxModelBuilder m = new OnnxModelBuilder(18).input("x", 2, 3, 8).scalar("two", 2).scalar("eps", 1e-5f)
                .longs("axes", -1)
                .node("ReduceMean", "x,axes", "mean")
                .node("Sub", "x,mean", "d")
                .node("Pow", "d,two", "sq")
                .node("ReduceMean", "sq,axes", "var")
                .node("Add", "var,eps", "ve")
                .node("Sqrt", "ve", "std")
                .node("Div", "d,std", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        r.assertOps(Map.of("LayerNormalization", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }
}
