package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * The data-movement kernels (ShapeKernels) against ONNX Runtime on what the ONNX node
 * tests leave out: other element types, ranks and axes, negative pads and indices,
 * empty tensors, old attribute forms, and sizes large enough to split over threads.
 * These kernels copy elements, so the outputs must be identical bit for bit.
 */
class ShapeKernelsAgainstOnnxRuntimeTest {
    private static final ElementType F32 = ElementType.FLOAT;

    @Test
    void split() {
        // opset 11: sizes as an attribute, uneven parts, a middle axis
        assertSameAsOnnxRuntime(new OnnxNode("Split", 11).input(iota(F32, 3, 8, 4)).attr("axis", 1L)
                .ints("split", 2, 5, 1).outputs(3));
        // opset 13: equal parts of an int64 tensor along a negative axis
        assertSameAsOnnxRuntime(new OnnxNode("Split", 13).input(iota(ElementType.INT64, 2, 3, 6)).attr("axis", -1L)
                .outputs(3));
        // opset 13: sizes as an input, one of them empty, bool data
        assertSameAsOnnxRuntime(new OnnxNode("Split", 13).input(iota(ElementType.BOOL, 5, 4)).constant(longs(3, 0, 2))
                .outputs(3));
        // opset 18: num_outputs with a smaller last part; big enough to run on several threads
        assertSameAsOnnxRuntime(new OnnxNode("Split", 18).input(iota(ElementType.FLOAT16, 64, 10, 96)).attr("axis", 1L)
                .attr("num_outputs", 3L).outputs(3));
        assertSameAsOnnxRuntime(new OnnxNode("Split", 18).input(iota(ElementType.STRING, 2, 7)).attr("axis", 1L)
                .attr("num_outputs", 2L).outputs(2));
    }

    @Test
    void expand() {
        assertSameAsOnnxRuntime(new OnnxNode("Expand", 13).input(iota(ElementType.INT8, 3, 1, 5))
                .constant(longs(2, 1, 4, 1)));
        // the shape has fewer axes than the input; 1s keep the input's extent
        assertSameAsOnnxRuntime(new OnnxNode("Expand", 13).input(iota(ElementType.BOOL, 2, 3, 1)).constant(longs(4)));
        assertSameAsOnnxRuntime(new OnnxNode("Expand", 8).input(iota(ElementType.DOUBLE, 1, 1, 256))
                .constant(longs(32, 64, 1)));
        // a scalar broadcast to a matrix, and an expansion to an empty tensor
        assertSameAsOnnxRuntime(new OnnxNode("Expand", 13).input(values(F32, new long[0], 2.5)).constant(longs(3, 4)));
        assertSameAsOnnxRuntime(new OnnxNode("Expand", 13).input(iota(F32, 1, 3)).constant(longs(0, 3)));
    }

    @Test
    void tile() {
        assertSameAsOnnxRuntime(new OnnxNode("Tile", 13).input(iota(ElementType.DOUBLE, 2, 3)).constant(longs(3, 1)));
        assertSameAsOnnxRuntime(new OnnxNode("Tile", 13).input(iota(ElementType.UINT8, 2, 1, 3, 2))
                .constant(longs(1, 4, 1, 3)));
        assertSameAsOnnxRuntime(new OnnxNode("Tile", 6).input(iota(ElementType.STRING, 3)).constant(longs(2)));
        assertSameAsOnnxRuntime(new OnnxNode("Tile", 13).input(iota(ElementType.INT32, 16, 1, 64))
                .constant(longs(4, 128, 2)));
        // a zero repeat gives an empty output
        assertSameAsOnnxRuntime(new OnnxNode("Tile", 13).input(iota(F32, 2, 3)).constant(longs(0, 2)));
    }

    @Test
    void padConstant() {
        // negative pads crop; the constant comes from input 2
        assertSameAsOnnxRuntime(new OnnxNode("Pad", 13).input(iota(F32, 2, 5, 6))
                .constant(longs(1, -1, 2, 0, -2, 3)).constant(values(F32, new long[0], -7.5)));
        // no constant: zero; uint8 data; padding only the first axis
        assertSameAsOnnxRuntime(new OnnxNode("Pad", 13).input(iota(ElementType.UINT8, 3, 4))
                .constant(longs(2, 0, 1, 0)));
        // opset 18 axes input with a negative axis, float16
        assertSameAsOnnxRuntime(new OnnxNode("Pad", 18).input(iota(ElementType.FLOAT16, 2, 3, 4))
                .constant(longs(1, 2, 3, 0)).constant(values(ElementType.FLOAT16, new long[0], 1.5))
                .constant(longs(-1, 0)));
        // opset 2: pads and value as attributes
        assertSameAsOnnxRuntime(new OnnxNode("Pad", 2).input(iota(F32, 3, 4)).ints("pads", 0, 1, 2, 3)
                .attr("value", 9f));
        assertSameAsOnnxRuntime(new OnnxNode("Pad", 18).input(iota(ElementType.BOOL, 3, 4)).constant(longs(1, 1, 1, 1))
                .constant(values(ElementType.BOOL, new long[0], 1)));
        // everything cropped away along one axis gives an empty output
        assertSameAsOnnxRuntime(new OnnxNode("Pad", 13).input(iota(F32, 3, 4)).constant(longs(0, -2, 0, -2)));
    }

    @Test
    void padReflectEdgeWrap() {
        for (String mode : new String[] {"reflect", "edge"}) {
            assertSameAsOnnxRuntime(new OnnxNode("Pad", 13).input(iota(ElementType.INT64, 2, 4, 5)).attr("mode", mode)
                    .constant(longs(0, 3, 4, 1, 2, 1)));
            // a large tensor, split over threads by rows
            assertSameAsOnnxRuntime(new OnnxNode("Pad", 13).input(iota(F32, 8, 64, 100)).attr("mode", mode)
                    .constant(longs(0, 1, 2, 0, 3, 4)));
            // negative pads combined with padding on another axis
            assertSameAsOnnxRuntime(new OnnxNode("Pad", 18).input(iota(ElementType.DOUBLE, 4, 6)).attr("mode", mode)
                    .constant(longs(-1, 2, 1, -2)));
        }
        assertSameAsOnnxRuntime(new OnnxNode("Pad", 19).input(iota(ElementType.INT32, 2, 3, 4)).attr("mode", "wrap")
                .constant(longs(0, 2, 3, 1, 1, 2)));
        // negative pads crop before wrapping: the wrapped elements come from the kept ones
        assertSameAsOnnxRuntime(new OnnxNode("Pad", 19).input(iota(F32, 5, 7)).attr("mode", "wrap")
                .constant(longs(-1, 2, 1, -3)));
        assertSameAsOnnxRuntime(new OnnxNode("Pad", 19).input(iota(F32, 6, 7)).attr("mode", "reflect")
                .constant(longs(-3, 3, 2, -2)));
        // a size-1 axis reflected repeats its only element
        assertSameAsOnnxRuntime(new OnnxNode("Pad", 13).input(iota(F32, 1, 4)).attr("mode", "reflect")
                .constant(longs(0, 2, 0, 1)));
    }

    @Test
    void range() {
        assertSameAsOnnxRuntime(new OnnxNode("Range", 11).constant(scalar(ElementType.INT64, 10))
                .constant(scalar(ElementType.INT64, -3)).constant(scalar(ElementType.INT64, -4)));
        assertSameAsOnnxRuntime(new OnnxNode("Range", 11).constant(scalar(ElementType.DOUBLE, 0.5))
                .constant(scalar(ElementType.DOUBLE, 7.25)).constant(scalar(ElementType.DOUBLE, 0.75)));
        assertSameAsOnnxRuntime(new OnnxNode("Range", 11).constant(scalar(ElementType.INT32, 5))
                .constant(scalar(ElementType.INT32, 5)).constant(scalar(ElementType.INT32, 1)));
        assertSameAsOnnxRuntime(new OnnxNode("Range", 11).constant(scalar(ElementType.INT16, -5))
                .constant(scalar(ElementType.INT16, 30)).constant(scalar(ElementType.INT16, 7)));
    }

    @Test
    void depthToSpaceAndSpaceToDepth() {
        for (String mode : new String[] {"DCR", "CRD"}) {
            assertSameAsOnnxRuntime(new OnnxNode("DepthToSpace", 13).input(iota(ElementType.DOUBLE, 2, 18, 3, 5))
                    .attr("blocksize", 3L).attr("mode", mode));
            assertSameAsOnnxRuntime(new OnnxNode("DepthToSpace", 13).input(iota(F32, 1, 64, 32, 32))
                    .attr("blocksize", 2L).attr("mode", mode));
        }
        assertSameAsOnnxRuntime(new OnnxNode("DepthToSpace", 11).input(iota(F32, 1, 8, 2, 3))
                .attr("blocksize", 2L));
        assertSameAsOnnxRuntime(new OnnxNode("SpaceToDepth", 13).input(iota(ElementType.FLOAT16, 2, 3, 6, 9))
                .attr("blocksize", 3L));
        assertSameAsOnnxRuntime(new OnnxNode("SpaceToDepth", 13).input(iota(F32, 1, 16, 64, 64)).attr("blocksize", 4L));
    }

    /**
     * A DepthToSpace of a convolution's output runs as choose-layout's channels-last twin. The
     * 1x1 convolution's weights are a reversal of the channels (ones and zeros), so its output
     * is exact and the whole graph's bit for bit.
     */
    @Test
    void depthToSpaceOfAConvolutionRunsChannelsLast() {
        int c = 12;
        float[] reverse = new float[c * c];
        for (int i = 0; i < c; i++) {
            reverse[i * c + (c - 1 - i)] = 1f;
        }
        for (String mode : new String[] {"DCR", "CRD"}) {
            for (long block : new long[] {2, 1}) {
                OnnxGraph g = new OnnxGraph(13).input("x", iota(F32, 2, c, 5, 7))
                        .initializer("w", new Tensor(new TensorType(F32, c, c, 1, 1), reverse))
                        .node("Conv", "x,w", "c")
                        .node("DepthToSpace", "c", "y", OnnxModelBuilder.attr("blocksize", block),
                                OnnxModelBuilder.attr("mode", mode))
                        .output("y", F32);
                assertTrue(g.kilnOps().containsKey("dev.kiln.DepthToSpace"), "choose-layout made the channels-last twin");
                Agreement.assertIdentical(g.onnxRuntime(), g.kiln(3), "Conv + DepthToSpace " + mode + " " + block);
            }
        }
    }

    @Test
    void gather() {
        // negative indices along the last axis, int32 indices
        assertSameAsOnnxRuntime(new OnnxNode("Gather", 13).input(iota(F32, 3, 4, 5)).input(int32s(new long[] {2, 2},
                -1, 0, -5, 3)).attr("axis", -1L));
        // empty index tensors: an empty output, also with data after the axis
        assertSameAsOnnxRuntime(new OnnxNode("Gather", 13).input(iota(F32, 4, 3))
                .input(Tensor.ofLongs(new long[] {0})));
        assertSameAsOnnxRuntime(new OnnxNode("Gather", 13).input(iota(ElementType.INT64, 2, 4, 3))
                .input(Tensor.ofLongs(new long[] {2, 0})).attr("axis", 1L));
        // empty data before the axis: nothing to gather, even though the indices are not empty
        assertSameAsOnnxRuntime(new OnnxNode("Gather", 13).input(iota(F32, 0, 5))
                .input(Tensor.ofLongs(new long[] {2}, 4, -1)).attr("axis", 1L));
        // a scalar index drops the axis; bool and string data
        assertSameAsOnnxRuntime(new OnnxNode("Gather", 13).input(iota(ElementType.BOOL, 3, 5))
                .input(Tensor.ofLongs(new long[0], -2)).attr("axis", 1L));
        assertSameAsOnnxRuntime(new OnnxNode("Gather", 13).input(iota(ElementType.STRING, 8))
                .input(Tensor.ofLongs(new long[] {3}, 3, -4, 1)));
        // a large gather split over threads
        assertSameAsOnnxRuntime(new OnnxNode("Gather", 13).input(iota(F32, 256, 50, 8))
                .input(Tensor.ofLongs(new long[] {4}, 49, -50, 7, 7)).attr("axis", 1L));
    }

    @Test
    void gatherIndexOutOfRangeIsAClearError() {
        OnnxNode c = new OnnxNode("Gather", 13).input(iota(F32, 4, 3)).input(Tensor.ofLongs(new long[] {2}, 1, 4));
        RuntimeException e = assertThrows(RuntimeException.class, () -> kiln(c));
        assertTrue(e.getMessage().contains("index 4 is out of range [-4, 4)"), e.getMessage());
    }

    @Test
    void otherDataMovementOnOtherTypesAndEmptyTensors() {
        assertSameAsOnnxRuntime(new OnnxNode("Slice", 13).input(iota(ElementType.INT8, 5, 6, 7))
                .constant(longs(-1, 1)).constant(longs(-6, 100)).constant(longs(0, 2)).constant(longs(-2, 3)));
        assertSameAsOnnxRuntime(new OnnxNode("Slice", 13).input(iota(F32, 5, 6)).constant(longs(3)).constant(longs(3))
                .constant(longs(1)));
        assertSameAsOnnxRuntime(new OnnxNode("Concat", 13).input(iota(ElementType.FLOAT16, 2, 0, 3))
                .input(iota(ElementType.FLOAT16, 2, 4, 3)).attr("axis", 1L));
        assertSameAsOnnxRuntime(new OnnxNode("Transpose", 13).input(iota(ElementType.UINT8, 16, 32, 64))
                .ints("perm", 2, 0, 1));
        assertSameAsOnnxRuntime(new OnnxNode("Transpose", 13).input(iota(ElementType.STRING, 2, 3)));
        // empty outputs whose first axis is the empty one
        assertSameAsOnnxRuntime(new OnnxNode("Transpose", 13).input(iota(F32, 3, 0, 4)).ints("perm", 1, 0, 2));
        assertSameAsOnnxRuntime(new OnnxNode("Slice", 13).input(iota(F32, 5, 6, 7)).constant(longs(2))
                .constant(longs(2)).constant(longs(0)));
        assertSameAsOnnxRuntime(new OnnxNode("DepthToSpace", 13).input(iota(F32, 0, 8, 2, 3)).attr("blocksize", 2L));
    }

    @Test
    void badInputsAreCompileErrorsNamingTheNode() {
        assertCompileError(new OnnxNode("Pad", 13).input(iota(F32, 3, 4)).constant(longs(1, 1, 1)),
                "Pad", "opset 13", "2 entries per padded axis");
        assertCompileError(new OnnxNode("Split", 13).input(iota(F32, 3, 4)).constant(longs(1, 1)).outputs(2),
                "Split", "opset 13", "sums to 2, but axis 0 of [3,4] has 3");
        assertCompileError(new OnnxNode("Tile", 13).input(iota(F32, 3, 4)).constant(longs(2)),
                "Tile", "opset 13", "one entry per axis of [3,4]");
        assertCompileError(new OnnxNode("DepthToSpace", 13).input(iota(F32, 1, 6, 2, 2)).attr("blocksize", 2L),
                "DepthToSpace", "opset 13", "not divisible by blocksize");
    }

    private static void assertCompileError(OnnxNode c, String... parts) {
        CompileException e = assertThrows(CompileException.class, () -> kiln(c));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }

    private static Tensor scalar(ElementType type, double v) {
        return values(type, new long[0], v);
    }

    private static Tensor int32s(long[] dims, double... v) {
        return values(ElementType.INT32, dims, v);
    }

    /** Runs the node with Kiln and ONNX Runtime and checks every output is identical. */
    private static void assertSameAsOnnxRuntime(OnnxNode c) {
        Agreement.assertIdentical(c.graph().onnxRuntime(), kiln(c), c.describe());
    }

    /** Kiln's outputs, run on three threads so that kernels split into several work ranges are exercised. */
    private static java.util.List<Tensor> kiln(OnnxNode c) {
        return c.graph().kiln(3);
    }

    /** A tensor of the given type and shape holding 0, 1, 2, ... (wrapped to the type; strings "s0", "s1"...). */
    private static Tensor iota(ElementType type, long... dims) {
        TensorType tt = new TensorType(type, dims);
        if (type == ElementType.STRING) {
            String[] s = new String[tt.intSize()];
            for (int i = 0; i < s.length; i++) {
                s[i] = "s" + i;
            }
            return new Tensor(tt, s);
        }
        if (type == ElementType.BOOL) {
            boolean[] b = new boolean[tt.intSize()];
            for (int i = 0; i < b.length; i++) {
                b[i] = i % 3 == 0;
            }
            return new Tensor(tt, b);
        }
        long[] values = new long[tt.intSize()];
        for (int i = 0; i < values.length; i++) {
            values[i] = type.isFloat() ? i % 2048 : i;
        }
        return Tensor.fromLongs(tt, values);
    }

    /** A scalar (rank 0) or vector of the given type, from doubles. */
    private static Tensor values(ElementType type, long[] dims, double... v) {
        return Tensor.fromDoubles(new TensorType(type, dims), v);
    }

    private static Tensor longs(long... v) {
        return Tensor.vector(v);
    }
}
