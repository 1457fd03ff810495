package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fuse-hardswish against ONNX Runtime's HardSwish (opset 14) and the unfused original. */
class FuseHardSwishTest {
    private static final String PASS = "fuse-hardswish";

    /** PyTorch's opset-13 export of nn.Hardswish: x * HardSigmoid(x; alpha 1/6, beta 0.5). */
    private static OnnxModelBuilder torchHardSwish(float alpha, float beta, String factor) {
        return new OnnxModelBuilder(13).input("x", 1, 4, 5, 5).input("z", 1, 4, 5, 5)
                .node("HardSigmoid", "x", "s", attr("alpha", alpha), attr("beta", beta))
                .node("Mul", factor + ",s", "y")
                .output("y");
    }

    @Test
    void pytorchExportBecomesHardSwish() {
        PassHarness.Rewritten r = PassHarness.run(torchHardSwish(1f / 6, 0.5f, "x"), PASS);
        assertEquals(1, r.rewrites(PASS));
        r.assertOps(Map.of("HardSwish", 1));
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void nearMissesAreLeftAlone() {
        OnnxModelBuilder[] models = {
            torchHardSwish(0.2f, 0.5f, "x"),     // HardSigmoid's default alpha, not 1/6
            torchHardSwish(1f / 6, 0.4f, "x"),
            torchHardSwish(1f / 6, 0.5f, "z"),   // multiplies another tensor
            torchHardSwish(1f / 6, 0.5f, "x").output("s"), // the HardSigmoid is read elsewhere too
        };
        for (OnnxModelBuilder m : models) {
            PassHarness.Rewritten r = PassHarness.run(m, PASS);
            assertEquals(0, r.rewrites(PASS));
            assertEquals(1, r.ops().get("HardSigmoid"));
            r.assertMatchesOnnxRuntime(1e-6);
        }
    }

    @Test
    void hardSigmoidWithDefaultBetaFuses() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 3, 7)
                .node("HardSigmoid", "x", "s", attr("alpha", 1f / 6))
                .node("Mul", "s,x", "y").output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        r.assertOps(Map.of("HardSwish", 1));
        r.assertMatchesOnnxRuntime(1e-6);
    }
}
