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
 * convtranspose-as-conv against ONNX Runtime: for each geometry, the graph after the pass
 * (a Conv, and a DepthToSpace for stride > 1) computes what the ConvTranspose does, or
 * the pass leaves the node alone.
 */
class ConvTransposeAsConvTest {
    private static final String PASS = "convtranspose-as-conv";

    /** x [1, c, h, w] through ConvTranspose with W [c, m, k, k] (and bias [m] if asked). */
    private static OnnxModelBuilder model(int c, int h, int w, int m, int k, boolean bias,
            AttributeProto... attributes) {
        OnnxModelBuilder b = new OnnxModelBuilder(17).input("x", 1, c, h, w)
                .initializer("w", random(11, c * m * k * k, 0.5f), c, m, k, k);
        if (bias) {
            b.initializer("b", random(12, m, 0.5f), m);
        }
        return b.node("ConvTranspose", bias ? "x,w,b" : "x,w", "y", attributes).output("y");
    }

    private static void assertRewrittenAs(OnnxModelBuilder model, Map<String, Integer> ops) {
        PassHarness.Rewritten r = PassHarness.run(model, PASS);
        assertEquals(1, r.rewrites(PASS));
        r.assertOps(ops);
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void strideOneIsAConvWithTheKernelFlipped() {
        assertRewrittenAs(model(5, 7, 6, 4, 3, true, attr("pads", 1L, 1, 1, 1)), Map.of("Conv", 1));
    }

    @Test
    void strideOneWithoutPaddingGrowsTheImage() {
        assertRewrittenAs(model(3, 4, 5, 2, 3, false), Map.of("Conv", 1));
    }

    @Test
    void lowFormersUpsamplingStrideTwoKernelFourIsFourPhasesInterleaved() {
        assertRewrittenAs(model(6, 7, 7, 5, 4, true, attr("strides", 2L, 2), attr("pads", 1L, 1, 1, 1)),
                Map.of("Conv", 1, "DepthToSpace", 1));
    }

    @Test
    void strideTwoKernelTwoIsAOneByOneConvOfFourPhases() {
        assertRewrittenAs(model(4, 5, 3, 3, 2, true, attr("strides", 2L, 2)), Map.of("Conv", 1, "DepthToSpace", 1));
    }

    @Test
    void strideThreeWithUnevenPadsAndOutputPadding() {
        assertRewrittenAs(model(3, 4, 4, 2, 5, false, attr("strides", 3L, 3), attr("pads", 2L, 1, 1, 2),
                attr("output_padding", 1L, 1)), Map.of("Conv", 1, "DepthToSpace", 1));
    }

    @Test
    void groupsDilationsUnequalStridesAndUnevenOutputsAreLeftToTheConvTransposeKernel() {
        OnnxModelBuilder grouped = new OnnxModelBuilder(17).input("x", 1, 4, 5, 5)
                .initializer("w", random(13, 4 * 3 * 9, 0.5f), 4, 3, 3, 3)
                .node("ConvTranspose", "x,w", "y", attr("group", 2L)).output("y");
        for (OnnxModelBuilder m : new OnnxModelBuilder[] {grouped,
                model(3, 5, 5, 2, 3, false, attr("dilations", 2L, 2)),
                model(3, 5, 5, 2, 3, false, attr("strides", 2L, 1)),
                // 13 columns out of 3-column phases
                model(3, 4, 4, 2, 5, false, attr("strides", 3L, 3), attr("output_padding", 1L, 2))}) {
            PassHarness.Rewritten r = PassHarness.run(m, PASS);
            assertEquals(0, r.rewrites(PASS));
            r.assertMatchesOnnxRuntime(1e-5);
        }
    }
}
