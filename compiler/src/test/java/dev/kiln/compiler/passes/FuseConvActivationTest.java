package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static dev.kiln.compiler.testing.OnnxModelBuilder.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * fuse-conv-activation: FusedConv (exported as Conv, then its activation) against
 * the original Conv and activation nodes in ONNX Runtime.
 */
class FuseConvActivationTest {
    private static final String PASS = "fuse-conv-activation";

    private static OnnxModelBuilder conv(int opset) {
        return new OnnxModelBuilder(opset).input("x", 1, 3, 5, 5)
                .initializer("w", random(20, 4 * 3 * 9, 1), 4, 3, 3, 3).initializer("b", random(21, 4, 1), 4)
                .node("Conv", "x,w,b", "c", attr("pads", 1L, 1, 1, 1), attr("strides", 2L, 2));
    }

    private static void assertFuses(int opset, String activation, String extraInputs, AttributeProto... attributes) {
        OnnxModelBuilder m = conv(opset).node(activation, "c" + extraInputs, "y", attributes).output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        r.assertOps(Map.of("dev.kiln.FusedConv", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void everyFusibleActivation() {
        assertFuses(13, "Relu", "");
        assertFuses(13, "Sigmoid", "");
        assertFuses(13, "Tanh", "");
        assertFuses(13, "LeakyRelu", "", attr("alpha", 0.3f));
        assertFuses(13, "LeakyRelu", "");
        assertFuses(13, "HardSigmoid", "", attr("alpha", 0.25f), attr("beta", 0.4f));
        assertFuses(13, "HardSigmoid", "");
        assertFuses(14, "HardSwish", "");
        assertFuses(20, "Gelu", "");
    }

    @Test
    void clipWithConstantBoundsFuses() {
        // MobileNetV2's ReLU6, and a clip with only an upper bound (the lower one is float's lowest).
        OnnxModelBuilder both = conv(13).initializer("lo", new float[] {0}).initializer("hi", new float[] {0.5f})
                .node("Clip", "c,lo,hi", "y").output("y");
        PassHarness.Rewritten r = PassHarness.run(both, PASS);
        r.assertOps(Map.of("dev.kiln.FusedConv", 1));
        r.assertMatchesOnnxRuntime(1e-5);
        OnnxModelBuilder upper = conv(13).initializer("hi", new float[] {0.25f})
                .node("Clip", "c,,hi", "y").output("y");
        PassHarness.Rewritten u = PassHarness.run(upper, PASS);
        u.assertOps(Map.of("dev.kiln.FusedConv", 1));
        u.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void clipWithRuntimeBoundsIsLeftAlone() {
        OnnxModelBuilder m = conv(13).input("hi").node("Clip", "c,,hi", "y").output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(0, r.rewrites(PASS));
    }

    @Test
    void tanhApproximatedGeluIsLeftAlone() {
        OnnxModelBuilder m = conv(20).node("Gelu", "c", "y", attr("approximate", "tanh")).output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void convReadElsewhereIsLeftAlone() {
        PassHarness.Rewritten r = PassHarness.run(conv(13).node("Relu", "c", "y").output("y").output("c"), PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }
}
