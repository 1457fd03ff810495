package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Channels-last convolutions (what choose-layout makes of every 2-D float Conv) against
 * ONNX Runtime, on the edges of the kernels' blocking that the node tests' small shapes
 * miss: a last block of fewer positions, output channels in several chunks with a
 * narrower last one, strides, dilations, uneven padding, no bias, an activation and a
 * residual in the epilogue, batches, and depthwise and grouped convolutions. Each runs on
 * 1 and 3 threads, which must agree bit for bit.
 */
class ConvAgainstOnnxRuntimeTest {
    private static final double TOLERANCE = 1e-5;

    /**
     * One Conv, then optionally HardSwish and the addition of a residual (fused into the
     * convolution's epilogue).
     */
    record Case(String name, long[] x, long m, long group, long[] kernel, long[] strides, long[] pads,
                long[] dilations, boolean bias, boolean hardSwish, boolean residual) {
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // 81 positions: blocks of 7, the last of 4; 515 channels: two chunks, the last one channel short.
        c.add(new Case("3x3, partial block and chunk", dims(1, 5, 9, 9), 515, 1, dims(3, 3), dims(1, 1),
                dims(1, 1, 1, 1), dims(1, 1), true, false, false));
        // 33 positions read straight from X: blocks of 7, the last of 5, copied; 600 channels in two chunks.
        c.add(new Case("1x1, HardSwish, residual", dims(1, 24, 3, 11), 600, 1, dims(1, 1), dims(1, 1),
                dims(0, 0, 0, 0), dims(1, 1), true, true, true));
        c.add(new Case("1x1 stride 2, no bias", dims(2, 6, 7, 8), 9, 1, dims(1, 1), dims(2, 2),
                dims(0, 0, 0, 0), dims(1, 1), false, false, false));
        c.add(new Case("3x2 stride 2 dilation 2, uneven pads, batch", dims(2, 3, 11, 10), 20, 1, dims(3, 2),
                dims(2, 2), dims(0, 1, 2, 0), dims(2, 2), false, true, false));
        // Tiles that read X in place (vector): 5 interior positions a row, one edge on each side, kernel rows
        // skipped at the top and the bottom, the image's row found from the batch.
        c.add(new Case("3x3 stride 2 in place, batch, residual", dims(2, 24, 15, 13), 40, 1, dims(3, 3),
                dims(2, 2), dims(1, 1, 1, 1), dims(1, 1), true, false, true));
        // 9 interior positions a row: one tile of 6 read in place, 3 copied; 150 channels in two panel groups,
        // the last panel partial.
        c.add(new Case("3x3 deep, panel groups, interior copied after the last tile", dims(1, 64, 10, 11), 150, 1, dims(3, 3),
                dims(1, 1), dims(1, 1, 1, 1), dims(1, 1), true, true, true));
        // No padding: every position interior, no edge tiles; uneven pads: edges on one side only.
        c.add(new Case("5x5 unpadded", dims(1, 7, 12, 12), 20, 1, dims(5, 5), dims(1, 1), dims(0, 0, 0, 0),
                dims(1, 1), true, false, false));
        c.add(new Case("3x3 uneven pads", dims(1, 9, 8, 13), 24, 1, dims(3, 3), dims(1, 1), dims(0, 2, 2, 0),
                dims(1, 1), false, true, false));
        c.add(new Case("depthwise 5x5 stride 2", dims(1, 20, 9, 9), 20, 20, dims(5, 5), dims(2, 2),
                dims(2, 2, 2, 2), dims(1, 1), true, true, false));
        c.add(new Case("two groups", dims(1, 6, 6, 5), 4, 2, dims(3, 3), dims(1, 1), dims(1, 1, 1, 1),
                dims(1, 1), true, false, true));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> againstOnnxRuntime() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Case c) {
        OnnxGraph graph = graph(c);
        Compilation compilation = KilnRunner.compile(graph.model());
        assertTrue(compilation.model().graph().nodes().stream().anyMatch(n -> n.opType().equals("FusedConv")
                && n.attributes().getInt("channels_last", 0) == 1), c.name() + ": a channels-last FusedConv");
        assertEquals(1, compilation.model().graph().opHistogram().getOrDefault("dev.kiln.FusedConv", 0),
                c.name() + ": the activation and the residual are fused");
        List<Tensor> one = KilnRunner.run(compilation, graph.inputs(), 1);
        Agreement.assertClose(graph.onnxRuntime(), one, TOLERANCE, TOLERANCE, c.name());
        List<Tensor> three = KilnRunner.run(compilation, graph.inputs(), 3);
        assertTrue(one.get(0).contentEquals(three.get(0)), c.name() + ": 3 threads differ from 1");
    }

    /**
     * The scalar kernel on weights packed for vectors: the vector back end compiled for
     * AVX-512 (panels of 32 channels) runs its scalar fallback on hardware with narrower
     * vectors, as this build's usual machines have; where the hardware has AVX-512 its
     * vector kernels run and are checked instead.
     */
    @Test
    void scalarFallbackOnVectorPanels() throws Exception {
        Case c = cases().get(0);
        OnnxGraph graph = graph(c);
        KilnOptions options = KilnOptions.defaults().withTarget("vector").withCpu("x86-64-v4");
        Compilation compilation = Compilation.of(OnnxImporter.convert(graph.model(), "test_model.onnx", null, null),
                options.compileOptions());
        try (LoadedModel loaded = LoadedModel.of(options.backend().generate(compilation,
                GenerateOptions.defaults("panels")))) {
            loaded.setThreads(2);
            float[] y = (float[]) loaded.run(graph.inputs().get(0).data())[0];
            Tensor expected = graph.onnxRuntime().get(0);
            Agreement.assertClose(List.of(expected), List.of(new Tensor(expected.type(), y)), TOLERANCE, TOLERANCE,
                    "panels of 32, " + loaded.instance().getClass().getMethod("kernels").invoke(null));
        }
    }

    private static OnnxGraph graph(Case c) {
        long channels = c.x()[1];
        long[] w = new long[c.kernel().length + 2];
        w[0] = c.m();
        w[1] = channels / c.group();
        System.arraycopy(c.kernel(), 0, w, 2, c.kernel().length);
        long seed = c.name().hashCode();
        OnnxGraph g = new OnnxGraph(17).input("x", random(c.x(), seed, 1f))
                .initializer("w", random(w, seed + 1, 0.5f));
        String inputs = "x,w";
        if (c.bias()) {
            g.initializer("b", random(dims(c.m()), seed + 2, 0.5f));
            inputs += ",b";
        }
        g.node("Conv", inputs, "conv", OnnxModelBuilder.attr("group", c.group()),
                OnnxModelBuilder.attr("kernel_shape", c.kernel()), OnnxModelBuilder.attr("strides", c.strides()),
                OnnxModelBuilder.attr("pads", c.pads()), OnnxModelBuilder.attr("dilations", c.dilations()));
        String y = "conv";
        if (c.hardSwish()) {
            g.node("HardSwish", y, "act");
            y = "act";
        }
        if (c.residual()) {
            // The residual an intermediate value, as in a network, so that the planner may write the
            // convolution's output over it.
            g.input("r", random(outputDims(c), seed + 3, 1f)).node("Neg", "r", "residual")
                    .node("Add", y + ",residual", "sum");
            y = "sum";
        }
        return g.output(y, ElementType.FLOAT);
    }

    /** The output shape [N, M, out...] by ONNX's formula. */
    private static long[] outputDims(Case c) {
        int rank = c.kernel().length;
        long[] y = new long[rank + 2];
        y[0] = c.x()[0];
        y[1] = c.m();
        for (int i = 0; i < rank; i++) {
            long extent = c.x()[i + 2] + c.pads()[i] + c.pads()[i + rank];
            y[i + 2] = (extent - c.dilations()[i] * (c.kernel()[i] - 1) - 1) / c.strides()[i] + 1;
        }
        return y;
    }

    /** Values in [-scale, scale), seeded. */
    private static Tensor random(long[] dims, long seed, float scale) {
        TensorType t = new TensorType(ElementType.FLOAT, dims);
        return new Tensor(t, OnnxModelBuilder.random(seed, t.intSize(), scale));
    }

    private static long[] dims(long... d) {
        return Arrays.copyOf(d, d.length);
    }
}
