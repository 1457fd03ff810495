package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static dev.kiln.compiler.testing.OnnxModelBuilder.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fuse-conv-residual (after fuse-conv-activation, as in the pipeline) against ONNX Runtime. */
class FuseConvResidualTest {
    private static final String PASS = "fuse-conv-residual";

    /** x[1,4,5,5] -> Conv 3x3 pad 1 (same shape) -> optional Relu -> Add r. */
    private static OnnxModelBuilder block(boolean relu, String residual) {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 1, 4, 5, 5).input("r", 1, 4, 5, 5)
                .initializer("w", random(30, 4 * 4 * 9, 0.5f), 4, 4, 3, 3).initializer("b", random(31, 4, 1), 4)
                .initializer("small", random(32, 4, 1), 1, 4, 1, 1)
                .node("Conv", "x,w,b", "c", attr("pads", 1L, 1, 1, 1));
        if (relu) {
            m.node("Relu", "c", "a");
        }
        return m.node("Add", residual + "," + (relu ? "a" : "c"), "y").output("y");
    }

    @Test
    void convPlusResidualFuses() {
        PassHarness.Rewritten r = PassHarness.run(block(false, "r"), PASS);
        r.assertOps(Map.of("dev.kiln.FusedConv", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void residualIsAddedAfterTheActivation() {
        PassHarness.Rewritten r = PassHarness.run(block(true, "r"), "fuse-conv-activation", PASS);
        r.assertOps(Map.of("dev.kiln.FusedConv", 1));
        assertEquals(1, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void inputOfTheConvAsResidualFuses() {
        PassHarness.Rewritten r = PassHarness.run(block(true, "x"), "fuse-conv-activation", PASS);
        r.assertOps(Map.of("dev.kiln.FusedConv", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void broadcastingAddIsLeftAlone() {
        PassHarness.Rewritten r = PassHarness.run(block(false, "small"), PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertOps(Map.of("Conv", 1, "Add", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void convReadElsewhereIsLeftAlone() {
        PassHarness.Rewritten r = PassHarness.run(block(false, "r").output("c"), PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }
}
