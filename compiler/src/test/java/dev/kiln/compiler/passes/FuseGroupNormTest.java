package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static dev.kiln.compiler.testing.OnnxModelBuilder.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fuse-groupnorm against ONNX Runtime's GroupNormalization (opset 21) and the unfused original. */
class FuseGroupNormTest {
    private static final String PASS = "fuse-groupnorm";

    /**
     * PyTorch's opset-13 export of nn.GroupNorm(2, 6) on x[1,6,3,3]: Reshape to [N, G, -1],
     * InstanceNormalization with per-group scale and bias, Reshape back via Shape(x),
     * Mul weight, Add bias (of shape {@code affineDims}).
     */
    private static OnnxModelBuilder torchGroupNorm(long[] affineDims) {
        return new OnnxModelBuilder(13).input("x", 1, 6, 3, 3)
                .longs("grouped", 0, 2, -1)
                .initializer("gs", new float[] {1.5f, 0.5f}, 2).initializer("gb", new float[] {0.25f, -1f}, 2)
                .initializer("gamma", random(5, 6, 2), affineDims).initializer("beta", random(6, 6, 1), affineDims)
                .node("Reshape", "x,grouped", "r")
                .node("InstanceNormalization", "r,gs,gb", "i", attr("epsilon", 1e-2f))
                .node("Shape", "x", "xs")
                .node("Reshape", "i,xs", "u")
                .node("Mul", "u,gamma", "m")
                .node("Add", "m,beta", "y")
                .output("y");
    }

    @Test
    void pytorchExportBecomesGroupNormalization() {
        PassHarness.Rewritten r = PassHarness.run(torchGroupNorm(new long[] {6, 1, 1}), PASS);
        r.assertOps(Map.of("GroupNormalization", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void affineWithBatchAxisFuses() {
        PassHarness.Rewritten r = PassHarness.run(torchGroupNorm(new long[] {1, 6, 1, 1}), PASS);
        r.assertOps(Map.of("GroupNormalization", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void affineAlongAnotherAxisStaysOutside() {
        // [3,1] broadcasts along H, not the channel axis.
        OnnxModelBuilder m = torchGroupNorm(new long[] {6, 1, 1});
        m.graph().removeInitializer(3).removeInitializer(3);
        m.initializer("gamma", random(5, 3, 2), 3, 1).initializer("beta", random(6, 3, 1), 3, 1);
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(Map.of("GroupNormalization", 1, "Mul", 1, "Add", 1), r.ops());
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void withoutAffineFuses() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 4, 5)
                .longs("grouped", 2, 2, 10).longs("back", 2, 4, 5)
                .initializer("gs", new float[] {1f, 2f}, 2).initializer("gb", new float[] {0f, 3f}, 2)
                .node("Reshape", "x,grouped", "r")
                .node("InstanceNormalization", "r,gs,gb", "i")
                .node("Reshape", "i,back", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        r.assertOps(Map.of("GroupNormalization", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void reshapingBackToAnotherShapeIsLeftAlone() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 4, 5)
                .longs("grouped", 2, 2, 10).longs("other", 2, 20)
                .initializer("gs", new float[] {1f, 2f}, 2).initializer("gb", new float[] {0f, 3f}, 2)
                .node("Reshape", "x,grouped", "r")
                .node("InstanceNormalization", "r,gs,gb", "i")
                .node("Reshape", "i,other", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void groupedValueReadElsewhereIsLeftAlone() {
        PassHarness.Rewritten r = PassHarness.run(torchGroupNorm(new long[] {6, 1, 1}).output("r"), PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void batchOfTwoOneDimensionalMapsFuses() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 6, 5)
                .longs("grouped", 0, 3, -1).longs("back", 2, 6, 5)
                .initializer("gs", new float[] {1f, 2f, 0.5f}, 3).initializer("gb", new float[] {0f, 3f, -1f}, 3)
                .initializer("gamma", random(5, 6, 2), 6, 1).initializer("beta", random(6, 6, 1), 6, 1)
                .node("Reshape", "x,grouped", "r")
                .node("InstanceNormalization", "r,gs,gb", "i", attr("epsilon", 1e-3f))
                .node("Reshape", "i,back", "u")
                .node("Mul", "gamma,u", "m")
                .node("Add", "beta,m", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        r.assertOps(Map.of("GroupNormalization", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }
}
