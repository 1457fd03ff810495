package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.testing.IrExporter;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.TorchAttention;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Attention kernel against ONNX Runtime. Channels first: LowFormer's attention as
 * PyTorch exports it, which Kiln fuses into one dev.kiln.Attention, on LowFormer's shapes
 * and odd ones, with scores large enough to overflow exp unless the row maximum is
 * subtracted, on 1 to 3 threads (bit-identical results). Channels last: a dev.kiln.Attention node with
 * channels_last = 1 against the exported pattern between Transposes, and bit for bit
 * against the channels-first kernel on the same data.
 */
class AttentionAgainstOnnxRuntimeTest {
    private static final double TOLERANCE = 1e-5;

    /** x of {@code dims} with seeded values in [-scale, scale). */
    private static Tensor input(long[] dims, long seed, float scale) {
        TensorType t = new TensorType(ElementType.FLOAT, dims);
        return new Tensor(t, OnnxModelBuilder.random(seed, t.intSize(), scale));
    }

    /**
     * Compiles {@code model} in its own layout (choose-layout off), checks that it became one
     * channels-first dev.kiln.Attention, and runs it.
     */
    private static Tensor kilnFused(ModelProto model, Tensor x, int threads) {
        Compilation c = KilnRunner.compile(model, Set.of("choose-layout"));
        assertEquals(Map.of("dev.kiln.Attention", 1), c.model().graph().opHistogram());
        return KilnRunner.run(c, List.of(x), threads).get(0);
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.type().dims(), actual.type().dims(), what + ": shape");
        double error = Agreement.relativeError(actual.toDoubles(), expected.toDoubles());
        assertTrue(error <= TOLERANCE, what + ": relative error " + error);
    }

    /** Inputs in [-scale, scale); at 60 the scores reach 10^4, where exp overflows unless the maximum is subtracted. */
    @ParameterizedTest(name = "N={0} heads={1} d={2} {3}x{4} opset {5} inputs to {6}")
    @CsvSource({
        "1, 4, 32, 7, 7, 17, 2", // LowFormer-B0 stage 4
        "1, 2, 32, 7, 7, 13, 2", // LowFormer-B0 stage 3
        "2, 3, 5, 3, 5, 17, 2",
        "1, 1, 1, 1, 1, 13, 2",
        "1, 2, 16, 14, 14, 17, 2",
        "1, 2, 8, 4, 4, 13, 60"})
    void channelsFirstMatchesOnnxRuntime(int n, int heads, int d, int h, int w, int opset, float scale) {
        TorchAttention a = new TorchAttention(n, heads, d, h, w).opset(opset);
        ModelProto model = a.build().build();
        Tensor x = input(a.inputDims(), 11, scale);
        assertClose(OrtRunner.run(model, List.of(x)).get(0), kilnFused(model, x, 1), "attention");
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        TorchAttention a = new TorchAttention(1, 4, 32, 7, 7);
        ModelProto model = a.build().build();
        Tensor x = input(a.inputDims(), 13, 2);
        Tensor one = kilnFused(model, x, 1);
        for (int threads : new int[] {2, 3}) {
            assertTrue(one.contentEquals(kilnFused(model, x, threads)), threads + " threads");
        }
    }

    /** One dev.kiln.Attention node with channels_last = 1: x [N, h, w, heads*3*d] to y [N, h, w, heads*d]. */
    private static ModelProto channelsLastNode(long[] xDims, int heads, int d) {
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("x", xDims[0], xDims[1], xDims[2], xDims[3])
                .node("Attention", "x", "y", OnnxModelBuilder.attr("heads", (long) heads),
                        OnnxModelBuilder.attr("head_dim", (long) d),
                        OnnxModelBuilder.attr("scale", (float) (1 / Math.sqrt(d))),
                        OnnxModelBuilder.attr("channels_last", 1L))
                .output("y");
        m.graph().getNodeBuilder(0).setDomain(Node.KILN_DOMAIN);
        return m.build().toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(Node.KILN_DOMAIN).setVersion(1)).build();
    }

    /** [N, C, h, w] to [N, h, w, C] when {@code channelsToLast}, else [N, h, w, C] to [N, C, h, w]. */
    private static Tensor rotate(Tensor t, boolean channelsToLast) {
        long[] d = t.type().dims();
        long[] out = channelsToLast ? new long[] {d[0], d[2], d[3], d[1]} : new long[] {d[0], d[3], d[1], d[2]};
        float[] src = t.floats();
        float[] dst = new float[src.length];
        int a = (int) d[1];
        int b = (int) d[2];
        int c = (int) d[3];
        for (int n = 0; n < d[0]; n++) {
            for (int i = 0; i < a; i++) {
                for (int j = 0; j < b; j++) {
                    for (int k = 0; k < c; k++) {
                        int from = ((n * a + i) * b + j) * c + k;
                        int to = channelsToLast ? ((n * b + j) * c + k) * a + i : ((n * c + k) * a + i) * b + j;
                        dst[to] = src[from];
                    }
                }
            }
        }
        return new Tensor(t.type().withDims(out), dst);
    }

    @ParameterizedTest(name = "N={0} heads={1} d={2} {3}x{4}")
    @CsvSource({"1, 4, 32, 7, 7", "2, 3, 5, 3, 5"})
    void channelsLastMatchesOnnxRuntimeAndTheChannelsFirstKernel(int n, int heads, int d, int h, int w) {
        TorchAttention reference = new TorchAttention(n, heads, d, h, w).opset(17).channelsLast();
        Tensor x = input(reference.inputDims(), 14, 2);
        ModelProto node = channelsLastNode(reference.inputDims(), heads, d);
        Compilation c = KilnRunner.compile(node);
        Tensor kiln = KilnRunner.run(c, List.of(x), 2).get(0);
        assertClose(OrtRunner.run(reference.build().build(), List.of(x)).get(0), kiln, "channels last");
        // The test tool that writes Kiln's graphs back as ONNX agrees on this layout too.
        assertClose(OrtRunner.run(IrExporter.export(c.model().graph(), 17), List.of(x)).get(0), kiln,
                "IrExporter's channels-last Attention");
        // The java back end runs the same loops with other strides: the channels-first kernel's result,
        // bit for bit. The vector back end's channels-last kernel sums in vectors: within the tolerance.
        ModelProto channelsFirst = new TorchAttention(n, heads, d, h, w).opset(17).build().build();
        Tensor nchw = rotate(kilnFused(channelsFirst, rotate(x, false), 1), true);
        if (KilnRunner.TARGET.equals("java")) {
            assertTrue(nchw.contentEquals(kiln), "channels last differs from channels first");
        } else {
            assertClose(nchw, kiln, "channels last against channels first");
        }
    }
}
