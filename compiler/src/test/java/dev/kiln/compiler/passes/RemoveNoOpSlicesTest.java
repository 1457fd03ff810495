package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** remove-no-op-slices: only Slices that keep every element in order are dropped. */
class RemoveNoOpSlicesTest {
    private static final String PASS = "remove-no-op-slices";

    /** x[1,4,6,6] -> Relu -> Slice(starts, ends, axes, steps) -> Sigmoid. */
    private static OnnxModelBuilder slice(long[] starts, long[] ends, long[] axes, long[] steps) {
        return new OnnxModelBuilder(13).input("x", 1, 4, 6, 6)
                .longs("starts", starts).longs("ends", ends).longs("axes", axes).longs("steps", steps)
                .node("Relu", "x", "a")
                .node("Slice", "a,starts,ends,axes,steps", "s")
                .node("Sigmoid", "s", "y")
                .output("y");
    }

    @Test
    void lowFormerCropAtAnEvenSizeIsRemoved() {
        // x[:, :, :6, :6] on a 6x6 map, with the INT64_MAX ends exporters write for ':'.
        PassHarness.Rewritten r = PassHarness.run(
                slice(new long[] {0, 0}, new long[] {6, Long.MAX_VALUE}, new long[] {2, 3}, new long[] {1, 1}), PASS);
        assertEquals(1, r.rewrites(PASS));
        r.assertOps(Map.of("Relu", 1, "Sigmoid", 1));
        r.assertMatchesOnnxRuntime(0);
    }

    @Test
    void slicesThatDropReorderOrStrideStay() {
        long[][][] cases = {
            {{0}, {5}, {2}, {1}},                       // drops the last row
            {{1}, {6}, {3}, {1}},                       // drops the first column
            {{-1}, {Long.MIN_VALUE}, {3}, {-1}},         // reverses: every element, other order
            {{0}, {6}, {2}, {2}},                       // every other row
        };
        for (long[][] c : cases) {
            PassHarness.Rewritten r = PassHarness.run(slice(c[0], c[1], c[2], c[3]), PASS);
            assertEquals(0, r.rewrites(PASS));
            r.assertMatchesOnnxRuntime(0);
        }
    }
}
