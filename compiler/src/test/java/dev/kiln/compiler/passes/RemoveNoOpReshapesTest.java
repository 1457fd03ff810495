package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** remove-no-op-reshapes: same-shape views go, a Reshape of a view reads the view's source. */
class RemoveNoOpReshapesTest {
    private static final String PASS = "remove-no-op-reshapes";

    @Test
    void sameShapeViewsAreRemoved() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 3, 4)
                .longs("same", 0, 3, -1).longs("axes0", 0)
                .node("Relu", "x", "a")
                .node("Reshape", "a,same", "b")
                .node("Unsqueeze", "b,axes0", "c")
                .node("Squeeze", "c,axes0", "d")
                .node("Sigmoid", "d", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        // The Reshape keeps [2,3,4]; Unsqueeze and Squeeze change the shape, so they stay.
        r.assertOps(Map.of("Relu", 1, "Unsqueeze", 1, "Squeeze", 1, "Sigmoid", 1));
        r.assertMatchesOnnxRuntime(0);
    }

    @Test
    void reshapeOfAViewReadsTheSource() {
        // Flatten then Reshape with a 0 that copies a dimension of the flattened value.
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 3, 4)
                .longs("shape", 0, 4, 3)
                .node("Relu", "x", "a")
                .node("Flatten", "a", "f", attr("axis", 1L))
                .node("Reshape", "f,shape", "r")
                .node("Sigmoid", "r", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(1, r.rewrites(PASS));
        r.assertOps(Map.of("Relu", 1, "Reshape", 1, "Sigmoid", 1));
        r.assertMatchesOnnxRuntime(0);
    }

    @Test
    void realReshapesStay() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 3, 4)
                .longs("shape", 6, 4)
                .node("Reshape", "x,shape", "r").node("Sigmoid", "r", "y").output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertOps(Map.of("Reshape", 1, "Sigmoid", 1));
        r.assertMatchesOnnxRuntime(0);
    }
}
