package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fold-constants: exporters' shape arithmetic resolves at compile time, the numbers stay ONNX Runtime's. */
class FoldConstantsTest {
    private static final String PASS = "fold-constants";

    /** PyTorch's x.view(x.size(0), -1): Shape, Gather 0, Unsqueeze, Concat with -1, Reshape. */
    private static OnnxModelBuilder flattenByShapeChain() {
        return new OnnxModelBuilder(13).input("x", "batch", 3, 4, 4)
                .initializer(OnnxModelBuilder.longTensor("zero", new long[] {0}))
                .longs("axes0", 0).longs("minus1", -1)
                .node("Shape", "x", "s")
                .node("Gather", "s,zero", "n", attr("axis", 0L))
                .node("Unsqueeze", "n,axes0", "n1")
                .node("Concat", "n1,minus1", "shape", attr("axis", 0L))
                .node("Reshape", "x,shape", "r")
                .node("Relu", "r", "y")
                .output("y");
    }

    @Test
    void shapeChainFoldsForTheBoundBatch() {
        for (long batch : new long[] {1, 3}) {
            PassHarness.Rewritten r = PassHarness.run(flattenByShapeChain(), new InputBindings().dim("batch", batch));
            assertEquals(4, r.rewrites(PASS));
            r.assertOps(Map.of("Reshape", 1, "Relu", 1));
            assertArrayEquals(new long[] {batch, 48}, r.graph().outputs().get(0).type().dims());
            r.assertMatchesOnnxRuntime(0);
        }
    }

    @Test
    void constantSubgraphsFoldAndRuntimeOnesStay() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 3)
                .scalar("two", 2f)
                .node("Constant", "", "c", attr("value", OnnxModelBuilder.floatTensor("", new float[] {1, -2, 3}, 3)))
                .node("Mul", "c,two", "c2")
                .node("Relu", "c2", "c3")
                .node("ConstantOfShape", "shape", "ones", attr("value",
                        OnnxModelBuilder.floatTensor("", new float[] {0.5f}, 1)))
                .longs("shape", 2, 3)
                .node("Add", "x,c3", "a")
                .node("Mul", "a,ones", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m);
        assertEquals(4, r.rewrites(PASS));
        r.assertOps(Map.of("Add", 1, "Mul", 1));
        r.assertMatchesOnnxRuntime(0);
    }

    @Test
    void foldedGraphOutputIsKept() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 3)
                .node("Shape", "x", "s").node("Relu", "x", "y").output("y").output("s", OnnxModelBuilder.INT64);
        PassHarness.Rewritten r = PassHarness.run(m);
        r.assertOps(Map.of("Relu", 1));
        assertArrayEquals(new long[] {2, 3}, r.graph().outputs().get(1).constant().toLongs());
    }

    @Test
    void inferenceErrorsNameTheNodeAndOpset() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 3).input("z", 4, 5)
                .node("Add", "x,z", "y").output("y");
        CompileException e = assertThrows(CompileException.class, () -> PassHarness.run(m));
        assertTrue(e.getMessage().startsWith("Add node 'Add_0' (opset 13): "), e.getMessage());
    }
}
