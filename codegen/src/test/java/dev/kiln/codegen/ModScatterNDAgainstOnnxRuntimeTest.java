package dev.kiln.codegen;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.conformance.TensorComparison;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mod and ScatterND against ONNX Runtime (the node-test set Kiln carries has none of either):
 * both Mod modes on every integer width and on floats with NaN, infinities and signed zeros,
 * broadcasting and outputs split over threads; ScatterND with index depths 1 to 3, negative
 * indices, the reductions with repeated indices, bool and string data; and both ops folded
 * on constants, as swin_t's window-attention mask needs.
 */
class ModScatterNDAgainstOnnxRuntimeTest {
    private static final float[] EDGES = {0f, -0f, 1f, -1f, 0.5f, -2.5f, 3.75f, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, 1e-8f, -7e5f, 7f, -7f, 2f, -3f};

    /** {@code n} floats cycling through the edge values, mixed with seeded random ones. */
    private static Tensor edgeFloats(int seed, long... dims) {
        int n = (int) new TensorType(ElementType.FLOAT, dims).size();
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 3 == 0 ? EDGES[(i / 3 + seed) % EDGES.length] : (float) (r.nextGaussian() * 20);
        }
        return new Tensor(new TensorType(ElementType.FLOAT, dims), v);
    }

    private static Tensor longs(long[] dims, long... v) {
        return new Tensor(new TensorType(ElementType.INT64, dims), v);
    }

    /** Kiln (with 1 and 4 threads) and ONNX Runtime give the same outputs within {@code rtol}. */
    private void assertSameAsOrt(OnnxGraph g, double rtol) {
        List<Tensor> expected = g.onnxRuntime();
        for (int threads : new int[] {1, 4}) {
            List<Tensor> actual = g.kiln(threads);
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++) {
                assertNull(TensorComparison.mismatch(expected.get(i), actual.get(i), rtol, 0),
                        "output " + i + " with " + threads + " threads");
            }
        }
    }

    /** The op types left in the graph after Kiln's passes. */
    private List<String> compiledOps(OnnxGraph g) {
        Compilation c = KilnRunner.compile(g.model());
        return c.model().graph().nodes().stream().map(n -> n.opType()).toList();
    }

    @Test
    void fmodOnFloatsWithEdgeValuesBroadcasts() {
        OnnxGraph g = new OnnxGraph(13).input("a", edgeFloats(1, 3, 4, 16)).input("b", edgeFloats(2, 4, 1))
                .node("Mod", "a,b", "y", attr("fmod", 1L)).output("y", ElementType.FLOAT);
        assertSameAsOrt(g, 0);
    }

    @Test
    void fmodOnFloat16AndDouble() {
        Tensor a = edgeFloats(3, 2, 40);
        Tensor b = edgeFloats(4, 40);
        OnnxGraph g = new OnnxGraph(13).input("a", a).input("b", b)
                .node("Cast", "a", "ha", attr("to", (long) ElementType.FLOAT16.code()))
                .node("Cast", "b", "hb", attr("to", (long) ElementType.FLOAT16.code()))
                .node("Mod", "ha,hb", "h", attr("fmod", 1L))
                .node("Cast", "a", "da", attr("to", (long) ElementType.DOUBLE.code()))
                .node("Cast", "b", "db", attr("to", (long) ElementType.DOUBLE.code()))
                .node("Mod", "da,db", "d", attr("fmod", 1L))
                .output("h", ElementType.FLOAT16).output("d", ElementType.DOUBLE);
        assertSameAsOrt(g, 0);
    }

    @Test
    void fmodOnALargeOutputSplitOverThreads() {
        OnnxGraph g = new OnnxGraph(13).input("a", edgeFloats(5, 64, 1, 700)).input("b", edgeFloats(6, 3, 700))
                .node("Mod", "a,b", "y", attr("fmod", 1L)).output("y", ElementType.FLOAT);
        assertSameAsOrt(g, 0);
    }

    /**
     * Both modes on one integer type (ONNX code {@code type}), signs of dividend and divisor mixed.
     * Magnitudes stay below 2^53: ONNX Runtime computes integer fmod through doubles, so beyond
     * that it rounds the dividend, where Kiln's exact remainder would differ.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6, 7, 12})
    void integerModTakesTheDivisorsSignAndFmodTheDividends(int type) {
        long[] a = {-7, 7, -8, 8, 0, 100, -100, 127, -128, 255, 65535, 40000, -40000, 1L << 40, -(1L << 40) - 3, 13,
            (1L << 52) + 5, -1};
        long[] b = {3, -3, 5, -5, 7, -7};
        OnnxGraph g = new OnnxGraph(13)
                .input("a", longs(new long[] {3, 6}, a)).input("b", longs(new long[] {6}, b))
                .node("Cast", "a", "ca", attr("to", (long) type)).node("Cast", "b", "cb", attr("to", (long) type))
                .node("Mod", "ca,cb", "mod")
                .node("Mod", "ca,cb", "fmod", attr("fmod", 1L))
                .node("Cast", "mod", "y0", attr("to", 7L)).node("Cast", "fmod", "y1", attr("to", 7L))
                .output("y0", ElementType.INT64).output("y1", ElementType.INT64);
        assertSameAsOrt(g, 0);
    }

    /**
     * uint64: values of 2^63 and above (negative as Java longs) take an unsigned remainder in the
     * integer mode; fmod, which ONNX Runtime computes through doubles, stays below 2^53.
     */
    @Test
    void unsigned64ModIsUnsigned() {
        OnnxGraph g = new OnnxGraph(13)
                .input("big", longs(new long[] {4}, -1, Long.MIN_VALUE, -7, Long.MAX_VALUE))
                .input("a", longs(new long[] {6}, 7, 8, 100, (1L << 52) + 5, 65535, 0))
                .input("b", longs(new long[] {2, 1}, 3, 1L << 33))
                .node("Cast", "big", "ubig", attr("to", 13L))
                .node("Cast", "a", "ua", attr("to", 13L)).node("Cast", "b", "ub", attr("to", 13L))
                .node("Mod", "ubig,ub", "mod").node("Mod", "ua,ub", "fmod", attr("fmod", 1L))
                .node("Cast", "mod", "y0", attr("to", 7L)).node("Cast", "fmod", "y1", attr("to", 7L))
                .output("y0", ElementType.INT64).output("y1", ElementType.INT64);
        assertSameAsOrt(g, 0);
    }

    @Test
    void modOnConstantsFolds() {
        OnnxGraph g = new OnnxGraph(17)
                .initializer("a", longs(new long[] {2, 4}, -7, 7, -3, 10, 0, 5, -11, 4))
                .initializer("b", longs(new long[] {4}, 3, -3, 4, -4))
                .node("Mod", "a,b", "y")
                .node("Mod", "a,b", "f", attr("fmod", 1L))
                .output("y", ElementType.INT64).output("f", ElementType.INT64);
        assertEquals(List.of(), compiledOps(g));
        assertSameAsOrt(g, 0);
    }

    @Test
    void integerModOfFloatsIsRefused() {
        OnnxGraph g = new OnnxGraph(13).input("a", edgeFloats(1, 4)).input("b", edgeFloats(2, 4))
                .node("Mod", "a,b", "y").output("y", ElementType.FLOAT);
        CompileException e = assertThrows(CompileException.class, () -> g.kiln(1));
        assertTrue(e.getMessage().contains("Mod node") && e.getMessage().contains("fmod=1"), e.getMessage());
    }

    @Test
    void scatterNDReplacesRowsWithNegativeIndices() {
        // k = 1: whole rows of a [6, 5, 7] tensor, addressed from both ends.
        OnnxGraph g = new OnnxGraph(13).input("data", edgeFloats(1, 6, 5, 7))
                .input("indices", longs(new long[] {2, 1, 1}, -1, 2))
                .input("updates", edgeFloats(2, 2, 1, 5, 7))
                .node("ScatterND", "data,indices,updates", "y").output("y", ElementType.FLOAT);
        assertSameAsOrt(g, 0);
    }

    @Test
    void scatterNDWithDeeperIndices() {
        // k = 2 (slices of 7) and k = 3 (single elements), on a batch of index rows.
        OnnxGraph g = new OnnxGraph(13).input("data", edgeFloats(3, 4, 5, 7))
                .input("i2", longs(new long[] {3, 2}, 0, 4, 3, -5, -2, 2))
                .input("u2", edgeFloats(4, 3, 7))
                .input("i3", longs(new long[] {2, 2, 3}, 0, 0, 0, 3, 4, 6, -1, -1, -1, 2, 1, 3))
                .input("u3", edgeFloats(5, 2, 2))
                .node("ScatterND", "data,i2,u2", "y2")
                .node("ScatterND", "data,i3,u3", "y3")
                .output("y2", ElementType.FLOAT).output("y3", ElementType.FLOAT);
        assertSameAsOrt(g, 0);
    }

    @Test
    void scatterNDOnALargeTensor() {
        OnnxGraph g = new OnnxGraph(13).input("data", edgeFloats(6, 64, 48, 40))
                .input("indices", longs(new long[] {3, 2}, 63, 0, 10, 47, -64, -48))
                .input("updates", edgeFloats(7, 3, 40))
                .node("ScatterND", "data,indices,updates", "y").output("y", ElementType.FLOAT);
        assertSameAsOrt(g, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"add", "mul", "max", "min"})
    void scatterNDReductionsCombineRepeatedIndices(String reduction) {
        OnnxGraph g = new OnnxGraph(18).input("data", edgeFloats(8, 4, 6))
                .input("indices", longs(new long[] {4, 1}, 1, 3, 1, -3))
                .input("updates", edgeFloats(9, 4, 6))
                .input("idata", longs(new long[] {5}, 1, -2, 3, 100, 7))
                .input("iindices", longs(new long[] {3, 1}, 0, 0, 4))
                .input("iupdates", longs(new long[] {3}, 5, -6, 2))
                .node("Cast", "idata", "d32", attr("to", (long) ElementType.INT32.code()))
                .node("Cast", "iupdates", "u32", attr("to", (long) ElementType.INT32.code()))
                .node("ScatterND", "data,indices,updates", "y", attr("reduction", reduction))
                .node("ScatterND", "d32,iindices,u32", "yi", attr("reduction", reduction))
                .output("y", ElementType.FLOAT).output("yi", ElementType.INT32);
        assertSameAsOrt(g, 1e-6);
    }

    @Test
    void scatterNDOnBoolAndStrings() {
        boolean[] mask = new boolean[12];
        mask[0] = mask[5] = true;
        OnnxGraph g = new OnnxGraph(13)
                .input("mask", new Tensor(new TensorType(ElementType.BOOL, 3, 4), mask))
                .input("mi", longs(new long[] {1, 2}, 1, 1))
                .input("mu", new Tensor(new TensorType(ElementType.BOOL, 1), new boolean[] {true}))
                .input("words", new Tensor(new TensorType(ElementType.STRING, 4), new String[] {"a", "b", "c", "d"}))
                .input("wi", longs(new long[] {2, 1}, 3, 0))
                .input("wu", new Tensor(new TensorType(ElementType.STRING, 2), new String[] {"kiln", "ünï"}))
                .node("ScatterND", "mask,mi,mu", "m")
                .node("ScatterND", "words,wi,wu", "w")
                .output("m", ElementType.BOOL).output("w", ElementType.STRING);
        assertSameAsOrt(g, 0);
    }

    @Test
    void scatterNDOnConstantsFoldsAsTheSwinMaskDoes() {
        // Like swin_t's shifted-window mask: a zero grid whose regions are overwritten with labels.
        OnnxGraph g = new OnnxGraph(17)
                .initializer("grid", longs(new long[] {4, 4}, new long[16]))
                .initializer("rows", longs(new long[] {2, 1}, 2, 3))
                .initializer("labels", longs(new long[] {2, 4}, 1, 1, 2, 2, 3, 3, 4, 4))
                .initializer("cells", longs(new long[] {2, 2}, 0, -1, 1, 0))
                .initializer("values", longs(new long[] {2}, 7, 8))
                .node("ScatterND", "grid,rows,labels", "banded")
                .node("ScatterND", "banded,cells,values", "y")
                .output("y", ElementType.INT64);
        assertEquals(List.of(), compiledOps(g));
        assertSameAsOrt(g, 0);
    }

    @Test
    void scatterNDWithAConstantIndexOutOfRangeIsACompileError() {
        OnnxGraph g = new OnnxGraph(13)
                .initializer("data", longs(new long[] {3}, 1, 2, 3))
                .initializer("indices", longs(new long[] {1, 1}, 3))
                .initializer("updates", longs(new long[] {1}, 9))
                .node("ScatterND", "data,indices,updates", "y").output("y", ElementType.INT64);
        CompileException e = assertThrows(CompileException.class, () -> g.kiln(1));
        assertTrue(e.getMessage().contains("ScatterND node") && e.getMessage().contains("index 3 is out of range"),
                e.getMessage());
    }

    @Test
    void scatterNDWithAnIndexOutOfRangeAtRunTimeNamesTheNode() {
        OnnxGraph g = new OnnxGraph(13).input("data", edgeFloats(1, 3, 2))
                .input("indices", longs(new long[] {1, 1}, -4)).input("updates", edgeFloats(2, 1, 2))
                .node("ScatterND", "data,indices,updates", "y").output("y", ElementType.FLOAT);
        RuntimeException e = assertThrows(RuntimeException.class, () -> g.kiln(1));
        String message = rootMessage(e);
        assertTrue(message.contains("ScatterND node") && message.contains("index -4 is out of range"), message);
    }

    @Test
    void scatterNDWithMismatchedUpdatesIsACompileError() {
        OnnxGraph g = new OnnxGraph(13).input("data", edgeFloats(1, 3, 2))
                .input("indices", longs(new long[] {2, 1}, 0, 1)).input("updates", edgeFloats(2, 2, 3))
                .node("ScatterND", "data,indices,updates", "y").output("y", ElementType.FLOAT);
        CompileException e = assertThrows(CompileException.class, () -> g.kiln(1));
        assertTrue(e.getMessage().contains("updates has shape [2,3]"), e.getMessage());
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return String.valueOf(e.getMessage());
    }
}
