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

    /** Every foldable op on constants, checked by adding the folded results to a runtime input. */
    @Test
    void foldedValuesEqualOnnxRuntimes() {
        OnnxModelBuilder m = new OnnxModelBuilder(15).input("x", 1, 6)
                .initializer("w", new float[] {-2.5f, -1, -0.4f, 0.3f, 1.7f, 2.6f}, 2, 3)
                .longs("sliceStart", -1).longs("sliceEnd", Long.MIN_VALUE).longs("axis0", 0)
                .longs("minusOne", -1).longs("step", -1).longs("ints", -7, 7, 9)
                .initializer(OnnxModelBuilder.longTensor("idx", new long[] {-1, 0}, 2))
                .scalar("two", 2)
                .node("Transpose", "w", "wt")                                         // [3,2]
                .node("Slice", "wt,sliceStart,sliceEnd,axis0,step", "ws")            // rows reversed
                .node("Gather", "ws,idx", "wg", attr("axis", 1L))                     // columns swapped
                .node("Reshape", "wg,minusOne", "wf")                                 // [6]
                .node("Erf", "wf", "we")
                .node("Relu", "wf", "wr")
                .node("Sqrt", "wr", "wsq")
                .node("Pow", "wf,two", "wp")
                .node("Div", "wp,two", "wd")
                .node("Cast", "wf", "wi", attr("to", (long) OnnxModelBuilder.INT64))   // truncates toward zero
                .node("Div", "ints,ints", "one3")
                .node("Concat", "one3,ints", "i6", attr("axis", 0L))
                .node("Mul", "wi,i6", "wm")
                .node("Cast", "wm", "wmf", attr("to", (long) OnnxModelBuilder.FLOAT))
                .node("Shape", "x", "xs", attr("start", -1L))
                .node("ConstantOfShape", "xs", "c6", attr("value", OnnxModelBuilder.floatTensor("", new float[] {0.25f}, 1)))
                .node("Size", "w", "n")
                .node("Cast", "n", "nf", attr("to", (long) OnnxModelBuilder.FLOAT))
                .node("Concat", "we,wsq,wd,wmf,c6", "all", attr("axis", 0L))
                .node("Add", "all,nf", "alln")
                .longs("fiveBySix", 5, 6)
                .node("Reshape", "alln,fiveBySix", "five")
                .node("Add", "x,five", "y")                                           // x + each folded vector
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m);
        // Float-to-integer Casts are left to run time on purpose (out-of-range results are
        // implementation-defined), so the integer chain after one stays; everything else folds.
        for (String op : new String[] {"Transpose", "Slice", "Gather", "Erf", "Relu", "Sqrt", "Pow", "Div", "Shape",
            "ConstantOfShape", "Size"}) {
            assertEquals(null, r.ops().get(op), op + " left in " + r.ops());
        }
        r.assertMatchesOnnxRuntime(1e-6);
    }
}
