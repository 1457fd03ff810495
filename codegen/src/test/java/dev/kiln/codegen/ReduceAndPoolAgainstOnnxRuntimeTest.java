package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
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
            check(new SingleNodeOracle("MaxPool", 12).input("x", F, dims, floats(dims, 1))
                    .output("y", F).output("i", I64).ints("kernel_shape", 3, 4).ints("strides", 2, 3)
                    .ints("pads", 1, 0, 1, 2).integer("ceil_mode", 1).integer("storage_order", order));
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
        check(new SingleNodeOracle("MaxPool", 22).input("x", F, dims, x).output("y", F).output("i", I64)
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
        check(new SingleNodeOracle("ReduceMax", 18).input("x", F, dims, x).constant("axes", 1).output("y", F));
        check(new SingleNodeOracle("ReduceMax", 18).input("x", F, dims, x).constant("axes", 0).output("y", F));
        check(new SingleNodeOracle("ArgMax", 13).input("x", F, dims, x).output("y", I64).integer("axis", 1));
    }

    @Test
    void maxPool3dDilatedAndSameLowerInt8() {
        long[] dims = {2, 3, 9, 10, 11};
        check(new SingleNodeOracle("MaxPool", 22).input("x", F, dims, floats(dims, 3)).output("y", F)
                .ints("kernel_shape", 3, 2, 3).ints("dilations", 2, 1, 3).ints("strides", 1, 2, 2)
                .ints("pads", 2, 0, 1, 1, 1, 2).integer("ceil_mode", 1));
        long[] plane = {2, 3, 17, 13};
        check(new SingleNodeOracle("MaxPool", 22).input("x", ElementType.INT8, plane, bytes(plane, 4))
                .output("y", ElementType.INT8).ints("kernel_shape", 4, 3).ints("strides", 3, 2)
                .string("auto_pad", "SAME_LOWER"));
        check(new SingleNodeOracle("MaxPool", 22).input("x", ElementType.UINT8, plane, bytes(plane, 5))
                .output("y", ElementType.UINT8).ints("kernel_shape", 2, 5).string("auto_pad", "SAME_UPPER"));
    }

    @Test
    void averagePoolWithAndWithoutPadding() {
        long[] dims = {2, 3, 9, 10, 11};
        for (int include = 0; include <= 1; include++) {
            check(new SingleNodeOracle("AveragePool", 22).input("x", F, dims, floats(dims, 6)).output("y", F)
                    .ints("kernel_shape", 3, 2, 4).ints("strides", 2, 3, 1).ints("pads", 1, 1, 2, 2, 0, 1)
                    .integer("count_include_pad", include).integer("ceil_mode", 1));
        }
        long[] big = {4, 16, 48, 40};
        check(new SingleNodeOracle("AveragePool", 11).input("x", F, big, floats(big, 7)).output("y", F)
                .ints("kernel_shape", 5, 3).ints("strides", 3, 2).string("auto_pad", "SAME_UPPER"));
        long[] line = {3, 4, 50};
        check(new SingleNodeOracle("AveragePool", 19).input("x", F, line, floats(line, 8)).output("y", F)
                .ints("kernel_shape", 4).ints("strides", 3).string("auto_pad", "SAME_LOWER"));
        // (SAME padding with dilations is left out: ONNX Runtime pads for the undilated kernel, against the spec)
        check(new SingleNodeOracle("AveragePool", 19).input("x", F, line, floats(line, 8)).output("y", F)
                .ints("kernel_shape", 4).ints("strides", 3).ints("dilations", 2).ints("pads", 3, 2)
                .integer("count_include_pad", 1).integer("ceil_mode", 1));
    }

    @Test
    void reductionsOverSeveralAxes() {
        long[] dims = {5, 7, 9, 11};
        check(new SingleNodeOracle("ReduceSum", 13).input("x", F, dims, floats(dims, 9)).constant("axes", 0, 2)
                .output("y", F).integer("keepdims", 0));
        check(new SingleNodeOracle("ReduceMax", 18).input("x", F, dims, floats(dims, 10)).constant("axes", -1, 1)
                .output("y", F));
        check(new SingleNodeOracle("ReduceMax", 11).input("x", F, dims, floats(dims, 11)).output("y", F)
                .ints("axes", 3).integer("keepdims", 0));
        check(new SingleNodeOracle("ReduceMean", 18).input("x", F, dims, floats(dims, 12)).output("y", F));
        long[] many = {64, 33, 40};
        check(new SingleNodeOracle("ReduceSum", 11).input("x", ElementType.INT64, many, longs(many, 13))
                .output("y", ElementType.INT64).ints("axes", 1));
        check(new SingleNodeOracle("ReduceMax", 20).input("x", ElementType.INT32, many, ints(many, 14))
                .constant("axes", 2).output("y", ElementType.INT32));
    }

    @Test
    void argMaxWithManyTies() {
        long[] dims = {6, 40, 7};
        float[] x = floats(dims, 15);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.round(x[i] * 2); // a handful of distinct values: ties everywhere
        }
        for (int last = 0; last <= 1; last++) {
            check(new SingleNodeOracle("ArgMax", 13).input("x", F, dims, x).output("y", I64)
                    .integer("axis", 1).integer("select_last_index", last));
        }
        check(new SingleNodeOracle("ArgMax", 11).input("x", ElementType.INT32, dims, ints(dims, 16))
                .output("y", I64).integer("axis", -1).integer("keepdims", 0));
    }

    @Test
    void topKWithTiesBothWays() {
        long[] dims = {4, 50, 6};
        float[] x = floats(dims, 17);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.round(x[i] * 3);
        }
        for (int largest = 0; largest <= 1; largest++) {
            check(new SingleNodeOracle("TopK", 11).input("x", F, dims, x).constant("k", 7)
                    .output("values", F).output("indices", I64).integer("axis", 1).integer("largest", largest));
        }
        check(new SingleNodeOracle("TopK", 11).input("x", ElementType.INT64, dims, longs(dims, 18)).constant("k", 3)
                .output("values", ElementType.INT64).output("indices", I64));
    }

    @Test
    void softmaxFamilyOldAndNewAxisSemantics() {
        long[] dims = {3, 4, 5, 6};
        for (String op : new String[] {"Softmax", "LogSoftmax"}) {
            check(new SingleNodeOracle(op, 11).input("x", F, dims, floats(dims, 19)).output("y", F).integer("axis", 2));
            check(new SingleNodeOracle(op, 13).input("x", F, dims, floats(dims, 20)).output("y", F).integer("axis", 1));
        }
    }

    @Test
    void float16PoolsAndReductions() {
        long[] dims = {2, 3, 15, 14};
        short[] x = halves(dims, 22);
        ElementType h = ElementType.FLOAT16;
        check(new SingleNodeOracle("MaxPool", 22).input("x", h, dims, x).output("y", h)
                .ints("kernel_shape", 3, 2).ints("strides", 2, 2).integer("ceil_mode", 1));
        check(new SingleNodeOracle("AveragePool", 22).input("x", h, dims, x).output("y", h)
                .ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1).integer("count_include_pad", 1));
        check(new SingleNodeOracle("ReduceMax", 18).input("x", h, dims, x).constant("axes", 1, 3).output("y", h));
        check(new SingleNodeOracle("ReduceSum", 13).input("x", h, dims, x).constant("axes", 2).output("y", h));
    }

    /** Inputs ONNX Runtime would also refuse get a compile error naming the node, op, opset and what is wrong. */
    @Test
    void badInputsAreClearCompileErrors() {
        long[] dims = {2, 9};
        SingleNodeOracle topK = new SingleNodeOracle("TopK", 11).input("x", F, dims, floats(dims, 23)).constant("k", 10)
                .output("values", F).output("indices", I64);
        assertError(topK, "TopK", "k = 10 is outside [0, 9]");
        SingleNodeOracle pool = new SingleNodeOracle("MaxPool", 22).input("x", F, dims, floats(dims, 24)).output("y", F)
                .ints("kernel_shape", 2);
        assertError(pool, "MaxPool", "must be [N, C, spatial...]");
        long[] image = {1, 1, 4, 4};
        SingleNodeOracle big = new SingleNodeOracle("AveragePool", 22).input("x", F, image, floats(image, 25))
                .output("y", F).ints("kernel_shape", 5, 2);
        assertError(big, "AveragePool", "larger than the padded input");
        SingleNodeOracle axis = new SingleNodeOracle("ArgMax", 13).input("x", F, dims, floats(dims, 26)).output("y", I64)
                .integer("axis", 2);
        assertError(axis, "ArgMax", "axis 2 is out of range for rank 2");
    }

    private static void assertError(SingleNodeOracle model, String op, String detail) {
        CompileException e = assertThrows(CompileException.class, () -> model.kiln(1));
        assertTrue(e.getMessage().contains(op) && e.getMessage().contains("opset") && e.getMessage().contains(detail),
                e.getMessage());
    }

    /** Kiln (four threads) and ONNX Runtime agree on every output. */
    private static void check(SingleNodeOracle model) {
        Object[] ort = model.onnxRuntime();
        Object[] kiln = model.kiln(4);
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
