package dev.kiln.codegen;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.runtime.Half;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reductions, ArgMax, TopK, (Log)Softmax and the pools against ONNX Runtime on
 * cases the ONNX node tests do not cover: bigger shapes that split into parallel work
 * items, odd windows, strides and dilations with ceil_mode, SAME padding with strides,
 * several ties, NaN, integer types and the older opsets' semantics.
 */
class ReduceAndPoolAgainstOnnxRuntimeTest {
    private static final ElementType F = ElementType.FLOAT;
    private static final ElementType I64 = ElementType.INT64;

    @Test
    void maxPool2dCeilModeWithIndicesOnABigInput() {
        long[] dims = {2, 8, 65, 67};
        for (int order = 0; order <= 1; order++) {
            check(new OnnxNode("MaxPool", 12).input(tensor(F, dims, floats(dims, 1)))
                    .output(F).output(I64).ints("kernel_shape", 3, 4).ints("strides", 2, 3)
                    .ints("pads", 1, 0, 1, 2).attr("ceil_mode", 1).attr("storage_order", order));
        }
    }

    /** ONNX Runtime's generic MaxPool (the one with Indices) never takes a NaN; neither does Kiln's. */
    @Test
    void maxPoolSkipsNaNLikeOnnxRuntime() {
        long[] dims = {1, 2, 9, 9};
        float[] x = floats(dims, 2);
        for (int i = 0; i < x.length; i += 7) {
            x[i] = Float.NaN;
        }
        check(new OnnxNode("MaxPool", 22).input(tensor(F, dims, x)).output(F).output(I64)
                .ints("kernel_shape", 3, 3).ints("strides", 2, 2));
    }

    /** A NaN first in the line is the maximum, a later one is never taken (ONNX Runtime's std::max order). */
    @Test
    void reduceMaxAndArgMaxTreatNaNLikeOnnxRuntime() {
        long[] dims = {6, 5};
        float[] x = floats(dims, 21);
        for (int i : new int[] {0, 7, 10, 11, 12, 13, 14, 19, 22}) {
            x[i] = Float.NaN;
        }
        check(new OnnxNode("ReduceMax", 18).input(tensor(F, dims, x)).constant(Tensor.vector(1)).output(F));
        check(new OnnxNode("ReduceMax", 18).input(tensor(F, dims, x)).constant(Tensor.vector(0)).output(F));
        check(new OnnxNode("ArgMax", 13).input(tensor(F, dims, x)).output(I64).attr("axis", 1));
    }

    @Test
    void maxPool3dDilatedAndSameLowerInt8() {
        long[] dims = {2, 3, 9, 10, 11};
        check(new OnnxNode("MaxPool", 22).input(tensor(F, dims, floats(dims, 3))).output(F)
                .ints("kernel_shape", 3, 2, 3).ints("dilations", 2, 1, 3).ints("strides", 1, 2, 2)
                .ints("pads", 2, 0, 1, 1, 1, 2).attr("ceil_mode", 1));
        long[] plane = {2, 3, 17, 13};
        check(new OnnxNode("MaxPool", 22).input(tensor(ElementType.INT8, plane, bytes(plane, 4)))
                .output(ElementType.INT8).ints("kernel_shape", 4, 3).ints("strides", 3, 2)
                .attr("auto_pad", "SAME_LOWER"));
        check(new OnnxNode("MaxPool", 22).input(tensor(ElementType.UINT8, plane, bytes(plane, 5)))
                .output(ElementType.UINT8).ints("kernel_shape", 2, 5).attr("auto_pad", "SAME_UPPER"));
    }

    @Test
    void averagePoolWithAndWithoutPadding() {
        long[] dims = {2, 3, 9, 10, 11};
        for (int include = 0; include <= 1; include++) {
            check(new OnnxNode("AveragePool", 22).input(tensor(F, dims, floats(dims, 6))).output(F)
                    .ints("kernel_shape", 3, 2, 4).ints("strides", 2, 3, 1).ints("pads", 1, 1, 2, 2, 0, 1)
                    .attr("count_include_pad", include).attr("ceil_mode", 1));
        }
        long[] big = {4, 16, 48, 40};
        check(new OnnxNode("AveragePool", 11).input(tensor(F, big, floats(big, 7))).output(F)
                .ints("kernel_shape", 5, 3).ints("strides", 3, 2).attr("auto_pad", "SAME_UPPER"));
        long[] line = {3, 4, 50};
        check(new OnnxNode("AveragePool", 19).input(tensor(F, line, floats(line, 8))).output(F)
                .ints("kernel_shape", 4).ints("strides", 3).attr("auto_pad", "SAME_LOWER"));
        // (SAME padding with dilations is left out: ONNX Runtime pads for the undilated kernel, against the spec)
        check(new OnnxNode("AveragePool", 19).input(tensor(F, line, floats(line, 8))).output(F)
                .ints("kernel_shape", 4).ints("strides", 3).ints("dilations", 2).ints("pads", 3, 2)
                .attr("count_include_pad", 1).attr("ceil_mode", 1));
    }

    /**
     * Pools of a convolution's output run as choose-layout's channels-last twins, on the java
     * and on the vector back end: 13 channels (one vector of 8 and 5 one at a time), over
     * 1024 outputs (the vector kernel's minimum), with padding, strides, dilations,
     * ceil_mode, count_include_pad and SAME padding.
     */
    @Test
    void poolsOfAConvolutionsOutputRunChannelsLast() {
        long[] dims = {2, 3, 23, 25};
        long[] weights = {13, 3, 3, 3};
        float[] w = floats(weights, 31);
        for (int i = 0; i < w.length; i++) {
            w[i] /= 30; // convolution outputs of about unit size, whose rounding the tolerance allows
        }
        AttributeProto[][] pools = {
            {attr("kernel_shape", 3L, 3), attr("strides", 2L, 2), attr("pads", 1L, 1, 1, 1)},
            {attr("kernel_shape", 2L, 3), attr("dilations", 2L, 1), attr("pads", 0L, 1, 1, 0), attr("ceil_mode", 1L)},
            {attr("kernel_shape", 3L, 3), attr("strides", 2L, 2), attr("pads", 1L, 1, 1, 1),
                attr("count_include_pad", 1L), attr("ceil_mode", 1L)},
            {attr("kernel_shape", 2L, 3), attr("strides", 1L, 2), attr("pads", 1L, 0, 0, 1)},
            {attr("kernel_shape", 3L, 2), attr("strides", 2L, 2), attr("auto_pad", "SAME_UPPER")},
        };
        for (String op : new String[] {"MaxPool", "AveragePool"}) {
            for (AttributeProto[] all : pools) {
                AttributeProto[] attributes = java.util.Arrays.stream(all)
                        .filter(a -> op.equals("AveragePool") || !a.getName().equals("count_include_pad"))
                        .toArray(AttributeProto[]::new); // MaxPool has no such attribute
                OnnxGraph g = new OnnxGraph(19).input("x", tensor(F, dims, floats(dims, 30)))
                        .initializer("w", tensor(F, weights, w))
                        .node("Conv", "x,w", "c", attr("pads", 1L, 1, 1, 1))
                        .node(op, "c", "y", attributes)
                        .output("y", F);
                assertTrue(g.kilnOps().containsKey("dev.kiln." + op), "choose-layout made the channels-last " + op);
                check(g);
            }
        }
    }

    @Test
    void reductionsOverSeveralAxes() {
        long[] dims = {5, 7, 9, 11};
        check(new OnnxNode("ReduceSum", 13).input(tensor(F, dims, floats(dims, 9))).constant(Tensor.vector(0, 2))
                .output(F).attr("keepdims", 0));
        check(new OnnxNode("ReduceMax", 18).input(tensor(F, dims, floats(dims, 10))).constant(Tensor.vector(-1, 1))
                .output(F));
        check(new OnnxNode("ReduceMax", 11).input(tensor(F, dims, floats(dims, 11))).output(F)
                .ints("axes", 3).attr("keepdims", 0));
        check(new OnnxNode("ReduceMean", 18).input(tensor(F, dims, floats(dims, 12))).output(F));
        // Over the middle axes of [N, ..., C] (a channels-last GlobalAveragePool): runs of 8
        // channels summed side by side; 12 channels make runs of 4, 11 runs of 1.
        long[] nhwc = {2, 5, 6, 12};
        check(new OnnxNode("ReduceMean", 13).input(tensor(F, nhwc, floats(nhwc, 15))).output(F).ints("axes", 1, 2));
        check(new OnnxNode("ReduceSum", 13).input(tensor(F, dims, floats(dims, 16))).constant(Tensor.vector(1, 2))
                .output(F).attr("keepdims", 0));
        long[] wide = {1, 3, 3, 64};
        check(new OnnxNode("ReduceMean", 18).input(tensor(F, wide, floats(wide, 17))).constant(Tensor.vector(1, 2))
                .output(F));
        long[] many = {64, 33, 40};
        check(new OnnxNode("ReduceSum", 11).input(tensor(ElementType.INT64, many, longs(many, 13)))
                .output(ElementType.INT64).ints("axes", 1));
        check(new OnnxNode("ReduceMax", 20).input(tensor(ElementType.INT32, many, ints(many, 14)))
                .constant(Tensor.vector(2)).output(ElementType.INT32));
    }

    @Test
    void argMaxWithManyTies() {
        long[] dims = {6, 40, 7};
        float[] x = floats(dims, 15);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.round(x[i] * 2); // a handful of distinct values: ties everywhere
        }
        for (int last = 0; last <= 1; last++) {
            check(new OnnxNode("ArgMax", 13).input(tensor(F, dims, x)).output(I64)
                    .attr("axis", 1).attr("select_last_index", last));
        }
        check(new OnnxNode("ArgMax", 11).input(tensor(ElementType.INT32, dims, ints(dims, 16)))
                .output(I64).attr("axis", -1).attr("keepdims", 0));
    }

    @Test
    void topKWithTiesBothWays() {
        long[] dims = {4, 50, 6};
        float[] x = floats(dims, 17);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.round(x[i] * 3);
        }
        for (int largest = 0; largest <= 1; largest++) {
            check(new OnnxNode("TopK", 11).input(tensor(F, dims, x)).constant(Tensor.vector(7))
                    .output(F).output(I64).attr("axis", 1).attr("largest", largest));
        }
        check(new OnnxNode("TopK", 11).input(tensor(ElementType.INT64, dims, longs(dims, 18)))
                .constant(Tensor.vector(3)).output(ElementType.INT64).output(I64));
    }

    @Test
    void softmaxFamilyOldAndNewAxisSemantics() {
        long[] dims = {3, 4, 5, 6};
        for (String op : new String[] {"Softmax", "LogSoftmax"}) {
            check(new OnnxNode(op, 11).input(tensor(F, dims, floats(dims, 19))).output(F).attr("axis", 2));
            check(new OnnxNode(op, 13).input(tensor(F, dims, floats(dims, 20))).output(F).attr("axis", 1));
        }
    }

    @Test
    void float16PoolsAndReductions() {
        long[] dims = {2, 3, 15, 14};
        short[] x = halves(dims, 22);
        ElementType h = ElementType.FLOAT16;
        check(new OnnxNode("MaxPool", 22).input(tensor(h, dims, x)).output(h)
                .ints("kernel_shape", 3, 2).ints("strides", 2, 2).attr("ceil_mode", 1));
        check(new OnnxNode("AveragePool", 22).input(tensor(h, dims, x)).output(h)
                .ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1).attr("count_include_pad", 1));
        check(new OnnxNode("ReduceMax", 18).input(tensor(h, dims, x)).constant(Tensor.vector(1, 3)).output(h));
        check(new OnnxNode("ReduceSum", 13).input(tensor(h, dims, x)).constant(Tensor.vector(2)).output(h));
    }

    /** Inputs ONNX Runtime would also refuse get a compile error naming the node, op, opset and what is wrong. */
    @Test
    void badInputsAreClearCompileErrors() {
        long[] dims = {2, 9};
        OnnxNode topK = new OnnxNode("TopK", 11).input(tensor(F, dims, floats(dims, 23))).constant(Tensor.vector(10))
                .output(F).output(I64);
        assertError(topK, "TopK", "k = 10 is outside [0, 9]");
        OnnxNode pool = new OnnxNode("MaxPool", 22).input(tensor(F, dims, floats(dims, 24))).output(F)
                .ints("kernel_shape", 2);
        assertError(pool, "MaxPool", "must be [N, C, spatial...]");
        long[] image = {1, 1, 4, 4};
        OnnxNode big = new OnnxNode("AveragePool", 22).input(tensor(F, image, floats(image, 25)))
                .output(F).ints("kernel_shape", 5, 2);
        assertError(big, "AveragePool", "larger than the padded input");
        OnnxNode axis = new OnnxNode("ArgMax", 13).input(tensor(F, dims, floats(dims, 26))).output(I64)
                .attr("axis", 2);
        assertError(axis, "ArgMax", "axis 2 is out of range for rank 2");
    }

    private static void assertError(OnnxNode model, String op, String detail) {
        CompileException e = assertThrows(CompileException.class, () -> model.graph().kiln(1));
        assertTrue(e.getMessage().contains(op) && e.getMessage().contains("opset") && e.getMessage().contains(detail),
                e.getMessage());
    }

    /** Kiln (four threads) and ONNX Runtime agree on every output. */
    private static void check(OnnxNode model) {
        check(model.graph());
    }

    private static void check(OnnxGraph graph) {
        Object[] ort = graph.onnxRuntime().stream().map(Tensor::data).toArray();
        Object[] kiln = graph.kiln(4).stream().map(Tensor::data).toArray();
        assertEquals(ort.length, kiln.length, "output count");
        for (int i = 0; i < ort.length; i++) {
            if (ort[i] instanceof float[] expected) {
                float[] actual = (float[]) kiln[i];
                assertEquals(expected.length, actual.length, "output " + i + " size");
                for (int j = 0; j < expected.length; j++) {
                    boolean same = Float.isNaN(expected[j]) ? Float.isNaN(actual[j])
                            : Math.abs(actual[j] - expected[j]) <= 1e-5 * Math.max(1, Math.abs(expected[j]));
                    assertTrue(same, "output " + i + " element " + j + ": " + actual[j] + ", expected " + expected[j]);
                }
            } else if (ort[i] instanceof short[] expected) {
                short[] actual = (short[]) kiln[i];
                assertEquals(expected.length, actual.length, "output " + i + " size");
                for (int j = 0; j < expected.length; j++) {
                    float e = Half.toFloat(expected[j]);
                    float a = Half.toFloat(actual[j]);
                    // one float16 rounding step apart at most: both round a float result
                    assertTrue(Math.abs(a - e) <= 2e-3 * Math.max(1, Math.abs(e)),
                            "output " + i + " element " + j + ": " + a + ", expected " + e);
                }
            } else if (ort[i] instanceof long[] expected) {
                assertArrayEquals(expected, (long[]) kiln[i], "output " + i);
            } else if (ort[i] instanceof int[] expected) {
                assertArrayEquals(expected, (int[]) kiln[i], "output " + i);
            } else {
                assertArrayEquals((byte[]) ort[i], (byte[]) kiln[i], "output " + i);
            }
        }
    }

    private static Tensor tensor(ElementType type, long[] dims, Object data) {
        return new Tensor(new TensorType(type, dims), data);
    }

    private static int size(long[] dims) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        return n;
    }

    private static float[] floats(long[] dims, long seed) {
        Random r = new Random(seed);
        float[] x = new float[size(dims)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian() * 3;
        }
        return x;
    }

    private static short[] halves(long[] dims, long seed) {
        float[] f = floats(dims, seed);
        short[] x = new short[f.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Half.fromFloat(f[i]);
        }
        return x;
    }

    private static byte[] bytes(long[] dims, long seed) {
        byte[] x = new byte[size(dims)];
        new Random(seed).nextBytes(x);
        return x;
    }

    private static int[] ints(long[] dims, long seed) {
        return new Random(seed).ints(size(dims), -50, 50).toArray();
    }

    private static long[] longs(long[] dims, long seed) {
        return new Random(seed).longs(size(dims), -1000, 1000).toArray();
    }
}
