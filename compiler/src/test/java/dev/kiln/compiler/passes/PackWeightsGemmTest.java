package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static dev.kiln.compiler.testing.OnnxModelBuilder.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * pack-weights on a Gemm with a constant transposed B (a Linear layer as PyTorch exports
 * it): for vector kernels B is stored as [K, N] with transB = 0, and the graph still
 * computes what ONNX Runtime computes from the original.
 */
class PackWeightsGemmTest {
    /** x [2, 5] times W [3, 5] transposed, alpha 0.5, plus 2 times the bias [3]. */
    private static OnnxModelBuilder linear() {
        return new OnnxModelBuilder(13).input("x", 2, 5)
                .initializer("w", random(1, 15, 1f), 3, 5).initializer("bias", random(2, 3, 1f), 3)
                .node("Gemm", "x,w,bias", "y", attr("transB", 1L), attr("alpha", 0.5f), attr("beta", 2f))
                .output("y");
    }

    @Test
    void aConstantTransposedBIsStoredAsKByN() {
        PassHarness.Rewritten r = PassHarness.run(linear().build(), new InputBindings(), List.of(new PackWeights(16)));
        assertEquals(1, r.rewrites("pack-weights"));
        Node gemm = r.graph().nodes().get(0);
        assertEquals(0, gemm.attributes().getInt("transB", 0));
        assertArrayEquals(new long[] {5, 3}, gemm.input(1).type().dims());
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void scalarKernelsKeepOnnxsOrder() {
        PassHarness.Rewritten r = PassHarness.run(linear().build(), new InputBindings(), List.of(new PackWeights(0)));
        assertEquals(0, r.rewrites("pack-weights"));
        assertEquals(1, r.graph().nodes().get(0).attributes().getInt("transB", 0));
    }
}
