package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static dev.kiln.compiler.testing.OnnxModelBuilder.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ops.Conv;
import dev.kiln.compiler.ops.FusedConv;
import dev.kiln.compiler.target.TargetProfile;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import dev.kiln.compiler.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * choose-layout and pack-weights, the java and vector back ends' own passes, against
 * ONNX Runtime: the graph after them (exported with the channels-last nodes between
 * Transposes and the weights unpacked) computes what the original does.
 */
class ChooseLayoutTest {
    private static final String[] FUSIONS = {"fuse-conv-activation", "fuse-conv-residual"};

    /**
     * x [1,3,10,10]: Relu (before any convolution: stays NCHW), Conv 3x3 stride 2 + HardSwish,
     * a depthwise 3x3, a 1x1 Conv of 6 outputs with the residual, a per-channel Mul by a
     * [6,1,1] constant, GroupNormalization (one group, per-channel scale), GlobalAveragePool.
     */
    private static OnnxModelBuilder network() {
        return new OnnxModelBuilder(21).input("x", 1, 3, 10, 10)
                .initializer("w1", random(1, 6 * 3 * 9, 0.5f), 6, 3, 3, 3).initializer("b1", random(2, 6, 0.5f), 6)
                .initializer("wd", random(3, 6 * 9, 0.5f), 6, 1, 3, 3)
                .initializer("w2", random(4, 6 * 6, 0.5f), 6, 6, 1, 1)
                .initializer("k", random(5, 6, 1f), 6, 1, 1)
                .initializer("gamma", random(6, 6, 1f), 6).initializer("beta", random(7, 6, 1f), 6)
                .node("Relu", "x", "r")
                .node("Conv", "r,w1,b1", "c1", attr("pads", 1L, 1, 1, 1), attr("strides", 2L, 2))
                .node("HardSwish", "c1", "a1")
                .node("Conv", "a1,wd", "d", attr("pads", 1L, 1, 1, 1), attr("group", 6L))
                .node("Conv", "d,w2", "c2")
                .node("Add", "c2,a1", "s")
                .node("Mul", "s,k", "m")
                .node("GroupNormalization", "m,gamma,beta", "g", attr("num_groups", 1L))
                .node("GlobalAveragePool", "g", "y")
                .output("y");
    }

    private static PassHarness.Rewritten run(OnnxModelBuilder model, TargetProfile profile, int panel) {
        return PassHarness.run(model.build(), new InputBindings(),
                List.of(new ChooseLayout(profile), new PackWeights(panel)), FUSIONS);
    }

    @Test
    void theConvolutionRegionMovesToChannelsLastWithOneTransposeAtEachBorder() {
        PassHarness.Rewritten r = run(network(), TargetProfile.X86_64_V3, 0);
        assertEquals(6, r.rewrites("choose-layout"), "3 convolutions, the Mul, the GroupNormalization, the pooling");
        Map<String, Integer> ops = r.ops();
        assertEquals(3, ops.get("dev.kiln.FusedConv"));
        assertEquals(1, ops.get("dev.kiln.GroupNormalization"));
        assertEquals(1, ops.get("ReduceMean"), "GlobalAveragePool as the mean over H and W: " + ops);
        assertEquals(null, ops.get("GlobalAveragePool"), ops.toString());
        assertEquals(2, ops.get("Transpose"), "in before the first Conv, out after the pooling: " + ops);
        assertEquals(1, ops.get("Relu"), "the Relu before any convolution stays in NCHW");
        for (Node n : r.graph().nodes()) {
            if (n.opType().equals(FusedConv.OP_TYPE)) {
                assertTrue(FusedConv.layout(n).channelsLast(), n.describe());
                assertEquals(FusedConv.params(n).outChannels(), FusedConv.layout(n).panel(), "one panel of all M");
            }
        }
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void channelsLastValuesAreTheMovedRegionAndNothingElse() {
        PassHarness.Rewritten r = run(network(), TargetProfile.X86_64_V3, 0);
        Set<Value> last = ChannelsLastValues.of(r.graph());
        List<String> names = new ArrayList<>();
        for (Node n : r.graph().nodes()) {
            if (last.contains(n.output())) {
                names.add(n.opType());
            }
        }
        assertEquals(List.of("Transpose", "FusedConv", "FusedConv", "FusedConv", "Mul", "GroupNormalization",
                "ReduceMean"), names, "the Transpose into NHWC, the convolutions, the Mul, the norm and the pooling "
                        + "([1, 1, 1, C]); not the Relu before them or the Transpose back");
        PassHarness.Rewritten channelsFirst = PassHarness.run(network().build(), new InputBindings(),
                List.of(new PackWeights(0)), FUSIONS);
        assertTrue(ChannelsLastValues.of(channelsFirst.graph()).isEmpty(), "no choose-layout, nothing moved");
    }

    @Test
    void panelsNarrowerThanTheChannelsArePaddedAndStillComputeTheSame() {
        PassHarness.Rewritten r = run(network(), TargetProfile.X86_64_V3, 4);
        assertEquals(3, r.rewrites("pack-weights"));
        for (Node n : r.graph().nodes()) {
            if (n.opType().equals(FusedConv.OP_TYPE)) {
                TensorType w = n.input(1).type();
                assertEquals(2, w.dim(0), "6 output channels in 2 panels of 4: " + w);
                assertEquals(4, w.dim(w.rank() - 1));
            }
        }
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void aProfileThatPrefersNchwChangesNothing() {
        TargetProfile nchw = new TargetProfile("test-nchw", "NCHW", 8, 1, 32 * 1024, 512 * 1024,
                TargetProfile.Layout.NCHW);
        PassHarness.Rewritten r = run(network(), nchw, 0);
        assertEquals(0, r.rewrites("choose-layout"));
        assertEquals(0, r.rewrites("pack-weights"), "only channels-last convolutions are packed");
        assertEquals(null, r.ops().get("Transpose"));
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void aConvolutionThatIsTheWholeGraphIsTransposedInAndOut() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 5, 7, 9)
                .initializer("w", random(8, 4 * 5 * 6, 0.5f), 4, 5, 2, 3)
                .node("Conv", "x,w", "y", attr("dilations", 2L, 1), attr("pads", 1L, 0, 0, 2)).output("y");
        PassHarness.Rewritten r = run(m, TargetProfile.X86_64_V3, 0);
        assertEquals(Map.of("Transpose", 2, "dev.kiln.FusedConv", 1), r.ops());
        r.assertMatchesOnnxRuntime(1e-5);
    }

    /**
     * A ResNet-like stem: Conv, Relu, MaxPool 3x3 stride 2 (pads 1), a 1x1 Conv, then an
     * AveragePool with ceil_mode and count_include_pad (its last window reaches past the padding).
     */
    private static OnnxModelBuilder pooledNetwork() {
        return new OnnxModelBuilder(19).input("x", 2, 3, 11, 13)
                .initializer("w1", random(11, 5 * 3 * 9, 0.5f), 5, 3, 3, 3)
                .initializer("w2", random(12, 6 * 5, 0.5f), 6, 5, 1, 1)
                .node("Conv", "x,w1", "c1", attr("pads", 1L, 1, 1, 1))
                .node("Relu", "c1", "r")
                .node("MaxPool", "r", "p", attr("kernel_shape", 3L, 3), attr("strides", 2L, 2),
                        attr("pads", 1L, 1, 1, 1))
                .node("Conv", "p,w2", "c2")
                .node("AveragePool", "c2", "y", attr("kernel_shape", 2L, 3), attr("strides", 2L, 2),
                        attr("pads", 0L, 1, 1, 1), attr("ceil_mode", 1L), attr("count_include_pad", 1L))
                .output("y");
    }

    @Test
    void poolsOfChannelsLastValuesStayChannelsLast() {
        PassHarness.Rewritten r = run(pooledNetwork(), TargetProfile.X86_64_V3, 0);
        assertEquals(Map.of("Transpose", 2, "dev.kiln.FusedConv", 2, "dev.kiln.MaxPool", 1, "dev.kiln.AveragePool", 1),
                r.ops(), "the input in, the pooled output out, nothing between (the Relu is fused)");
        Set<Value> last = ChannelsLastValues.of(r.graph());
        for (Node n : r.graph().nodes()) {
            if (n.opType().endsWith("Pool")) {
                assertTrue(last.contains(n.output()), n.describe());
            }
        }
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void aMaxPoolWhoseIndicesAreReadStaysInNchw() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 1, 2, 6, 6)
                .initializer("w", random(13, 4 * 2, 0.5f), 4, 2, 1, 1)
                .node("Conv", "x,w", "c")
                .node("MaxPool", "c", "y,i", attr("kernel_shape", 2L, 2), attr("strides", 2L, 2))
                .node("Cast", "i", "f", attr("to", (long) OnnxModelBuilder.FLOAT))
                .node("Add", "y,f", "s")
                .output("s");
        PassHarness.Rewritten r = run(m, TargetProfile.X86_64_V3, 0);
        assertEquals(Map.of("Transpose", 2, "dev.kiln.FusedConv", 1, "MaxPool", 1, "Cast", 1, "Add", 1), r.ops(),
                "ONNX's MaxPool, which computes Indices into the NCHW input, after a Transpose back");
        r.assertMatchesOnnxRuntime(1e-5);
    }

    /**
     * LowFormer's upsampling: a ConvTranspose of stride 2 (a Conv of four phases and a
     * DepthToSpace after convtranspose-as-conv) and a residual Add; and a DepthToSpace in CRD
     * mode. Both stay channels-last between the input's Transpose and the output's.
     */
    @Test
    void depthToSpaceOfChannelsLastValuesStaysChannelsLast() {
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("x", 1, 6, 7, 7).input("r", 1, 5, 14, 14)
                .initializer("w", random(21, 6 * 5 * 16, 0.5f), 6, 5, 4, 4)
                .initializer("w2", random(22, 8 * 5, 0.5f), 8, 5, 1, 1)
                .node("ConvTranspose", "x,w", "up", attr("strides", 2L, 2), attr("pads", 1L, 1, 1, 1))
                .node("Add", "up,r", "s")
                .node("Conv", "s,w2", "c")
                .node("DepthToSpace", "c", "y", attr("blocksize", 2L), attr("mode", "CRD"))
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m.build(), new InputBindings(),
                List.of(new ChooseLayout(TargetProfile.X86_64_V3), new PackWeights(0)), "convtranspose-as-conv");
        assertEquals(Map.of("Transpose", 3, "dev.kiln.FusedConv", 2, "dev.kiln.DepthToSpace", 2, "Add", 1), r.ops(),
                "x and r in, y out, nothing between");
        r.assertMatchesOnnxRuntime(1e-5);
    }

    @Test
    void packingPutsEachPanelsWeightsForOneInputValueSideBySide() {
        // W [M=3, Cg=2, 1, 2] in panels of 2: [2 panels][1][2 taps][2 in][2 out], zeros for m = 3.
        float[] w = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = i + 1; // w[o][c][0][t] = 1 + o*4 + c*2 + t
        }
        Node conv = new Node("Conv", "", "c", 13, new dev.kiln.compiler.ir.Attributes(), List.of(
                new dev.kiln.compiler.ir.Value("x", new TensorType(dev.kiln.compiler.ir.ElementType.FLOAT, 1, 2, 4, 4)),
                dev.kiln.compiler.ir.Value.constant("w", Tensor.ofFloats(new long[] {3, 2, 1, 2}, w))),
                List.of(new dev.kiln.compiler.ir.Value("y", null)));
        Conv.Params p = FusedConv.params(conv);
        float[] packed = PackWeights.pack(conv.input(1).constant(), p, 2).floats();
        assertArrayEquals(new float[] {
            1, 5, 3, 7, // panel 0, tap 0: in 0 for out 0 and 1, in 1 for out 0 and 1
            2, 6, 4, 8, // panel 0, tap 1
            9, 0, 11, 0, // panel 1 (out 2 and the padding), tap 0
            10, 0, 12, 0}, packed);
    }
}
