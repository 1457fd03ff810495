package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static dev.kiln.compiler.testing.OnnxModelBuilder.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fold-batchnorm: the Conv with folded weights must compute what Conv then BatchNormalization did. */
class FoldBatchNormTest {
    private static final String PASS = "fold-batchnorm";

    /** Conv(x[1,4,6,6], w[6,4/group,3,3] (+ bias)) then BatchNormalization with constant statistics. */
    private static OnnxModelBuilder convBn(int group, boolean bias) {
        float[] var = random(14, 6, 1);
        for (int i = 0; i < var.length; i++) {
            var[i] = Math.abs(var[i]) + 0.1f;
        }
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 1, 4, 6, 6)
                .initializer("w", random(10, 6 * (4 / group) * 9, 1), 6, 4 / group, 3, 3)
                .initializer("b", random(11, 6, 1), 6)
                .initializer("scale", random(12, 6, 2), 6).initializer("beta", random(13, 6, 1), 6)
                .initializer("mean", random(15, 6, 1), 6).initializer("var", var, 6);
        return m.node("Conv", bias ? "x,w,b" : "x,w", "c", attr("group", (long) group), attr("pads", 1L, 1, 1, 1))
                .node("BatchNormalization", "c,scale,beta,mean,var", "y", attr("epsilon", 1e-3f))
                .output("y");
    }

    @Test
    void convThenBatchNormBecomesOneConv() {
        for (boolean bias : new boolean[] {true, false}) {
            PassHarness.Rewritten r = PassHarness.run(convBn(1, bias), PASS);
            r.assertOps(Map.of("Conv", 1));
            r.assertMatchesOnnxRuntime(1e-5);
        }
    }

    @Test
    void groupedConvFolds() {
        PassHarness.Rewritten r = PassHarness.run(convBn(2, true), PASS);
        r.assertOps(Map.of("Conv", 1));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void convReadElsewhereIsLeftAlone() {
        PassHarness.Rewritten r = PassHarness.run(convBn(1, true).output("c"), PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void runtimeWeightsAreLeftAlone() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 1, 2, 4, 4).input("w", 3, 2, 1, 1)
                .initializer("scale", random(12, 3, 2), 3).initializer("beta", random(13, 3, 1), 3)
                .initializer("mean", random(15, 3, 1), 3).initializer("var", new float[] {1, 2, 3}, 3)
                .node("Conv", "x,w", "c")
                .node("BatchNormalization", "c,scale,beta,mean,var", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-5);
    }
}
