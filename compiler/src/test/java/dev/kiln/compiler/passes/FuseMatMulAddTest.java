package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fuse-matmul-add against ONNX Runtime: Gemm must add the bias as the Add did. */
class FuseMatMulAddTest {
    private static final String PASS = "fuse-matmul-add";

    /** x[4,6] @ w[6,5] + bias of shape {@code biasDims}, with the Add's operands in either order. */
    private static OnnxModelBuilder linear(boolean biasFirst, long... biasDims) {
        int n = 1;
        for (long d : biasDims) {
            n *= (int) d;
        }
        return new OnnxModelBuilder(13).input("x", 4, 6)
                .initializer("w", random(7, 30, 1), 6, 5)
                .initializer("b", random(8, n, 1), biasDims)
                .node("MatMul", "x,w", "m")
                .node("Add", biasFirst ? "b,m" : "m,b", "y")
                .output("y");
    }

    @Test
    void linearLayerBecomesGemm() {
        for (long[] bias : new long[][] {{5}, {1, 5}, {4, 5}, {4, 1}, {}}) {
            for (boolean first : new boolean[] {false, true}) {
                PassHarness.Rewritten r = PassHarness.run(linear(first, bias), PASS);
                r.assertOps(Map.of("Gemm", 1));
                r.assertMatchesOnnxRuntime(1e-6);
            }
        }
    }

    @Test
    void biasThatGrowsTheResultIsLeftAlone() {
        PassHarness.Rewritten r = PassHarness.run(linear(false, 3, 4, 5), PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertOps(Map.of("MatMul", 1, "Add", 1));
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void productReadElsewhereIsLeftAlone() {
        PassHarness.Rewritten r = PassHarness.run(linear(false, 5).output("m"), PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void batchedMatMulIsLeftAlone() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 4, 6)
                .initializer("w", random(7, 30, 1), 6, 5).initializer("b", random(8, 5, 1), 5)
                .node("MatMul", "x,w", "m").node("Add", "m,b", "y").output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void runtimeBiasAlsoFuses() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 4, 6).input("c", 4, 5)
                .initializer("w", random(7, 30, 1), 6, 5)
                .node("MatMul", "x,w", "m").node("Add", "c,m", "y").output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        r.assertOps(Map.of("Gemm", 1));
        r.assertMatchesOnnxRuntime(1e-6);
    }
}
