package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static dev.kiln.compiler.testing.OnnxModelBuilder.random;

import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Property tests of the passes (issue 11): random small graphs built around each pass's
 * pattern, with variations that must fuse and others that must not (another reader of an
 * intermediate value, wrong constants, shapes that do not fit). For every graph the model
 * as written and the graph after fold-constants and the pass compute the same outputs in
 * ONNX Runtime ({@link PassHarness}). Each property reports how often its pass fired and
 * fails unless it fired in at least a tenth of the tries (each fires in about half; with a fifth,
 * 4 firings in 24 tries happened in a CI run). A failure prints jqwik's seed;
 * {@code @Property(seed = "...")} replays it.
 */
class PassPropertiesTest {
    private static final int TRIES = 24;

    /**
     * Runs fold-constants, the passes that make {@code pass}'s input ({@code before}) and {@code pass},
     * records whether {@code pass} fired, and compares with ONNX Runtime.
     */
    private static void check(OnnxModelBuilder model, String pass, double tolerance, String... before) {
        String[] passes = java.util.Arrays.copyOf(before, before.length + 1);
        passes[before.length] = pass;
        PassHarness.Rewritten r = PassHarness.run(model, passes);
        Statistics.label(pass).collect(r.rewrites(pass) > 0 ? "fired" : "left alone");
        Statistics.label(pass).coverage(c -> c.check("fired").percentage(p -> p >= 10));
        r.assertMatchesOnnxRuntime(tolerance);
    }

    @Property(tries = TRIES)
    void removeIdentities(@ForAll @IntRange(min = 1, max = 6) int n, @ForAll @IntRange(min = 0, max = 255) int ops,
                          @ForAll boolean noIdentities) {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, n).node("Relu", "x", "v0");
        for (int i = 0; i < 4; i++) {
            String in = "v" + i;
            String out = "v" + (i + 1);
            switch (noIdentities ? 3 : (ops >> (2 * i)) & 3) {
                case 0 -> m.node("Identity", in, out);
                case 1 -> m.node("Dropout", in, out);
                case 2 -> m.node("Cast", in, out, attr("to", (long) OnnxModelBuilder.FLOAT));
                default -> m.node("Neg", in, out); // not an identity
            }
        }
        check(m.node("Sigmoid", "v4", "y").output("y"), "remove-identities", 1e-6);
    }

    @Property(tries = TRIES)
    void removeNoOpSlices(@ForAll @IntRange(min = 2, max = 6) int h, @ForAll boolean whole,
                          @ForAll @IntRange(min = 0, max = 2) int variant) {
        long start = whole ? 0 : variant % 2 + 1;
        long end = whole ? new long[] {Long.MAX_VALUE, h, h + 5}[variant] : h;
        long step = !whole && variant == 2 ? 2 : 1;
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 1, 3, h, 4)
                .longs("starts", start).longs("ends", end).longs("axes", 2).longs("steps", step)
                .node("Relu", "x", "a").node("Slice", "a,starts,ends,axes,steps", "s").node("Sigmoid", "s", "y")
                .output("y");
        check(m, "remove-no-op-slices", 1e-6);
    }

    @Property(tries = TRIES)
    void removeNoOpReshapes(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 4) int b,
                            @ForAll @IntRange(min = 0, max = 3) int shape, @ForAll boolean squeezePair) {
        long[][] shapes = {{0, b, -1}, {a, b, 3}, {-1, 3}, {a * b * 3}};
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", a, b, 3).longs("shape", shapes[shape]).longs("axes", 0)
                .node("Relu", "x", "r").node("Reshape", "r,shape", "s");
        String last = "s";
        if (squeezePair) {
            m.node("Unsqueeze", "s,axes", "u").node("Squeeze", "u,axes", "q");
            last = "q";
        }
        check(m.node("Sigmoid", last, "y").output("y"), "remove-no-op-reshapes", 1e-6);
    }

    @Property(tries = TRIES)
    void fuseErfGelu(@ForAll @IntRange(min = 1, max = 8) int n, @ForAll boolean multiplyByInverse,
                     @ForAll boolean swapOperands, @ForAll @IntRange(min = 0, max = 3) int halfChoice) {
        float half = halfChoice == 3 ? 0.6f : 0.5f; // 0.6 is not Gelu: left alone
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, n).scalar("one", 1).scalar("half", half);
        if (multiplyByInverse) {
            m.scalar("k", (float) (1 / Math.sqrt(2))).node("Mul", swapOperands ? "k,x" : "x,k", "d");
        } else {
            m.scalar("k", (float) Math.sqrt(2)).node("Div", "x,k", "d");
        }
        m.node("Erf", "d", "e").node("Add", swapOperands ? "one,e" : "e,one", "p")
                .node("Mul", swapOperands ? "p,x" : "x,p", "xp").node("Mul", swapOperands ? "half,xp" : "xp,half", "y");
        check(m.output("y"), "fuse-erf-gelu", 1e-5);
    }

    @Property(tries = TRIES)
    void fuseHardSwish(@ForAll @IntRange(min = 1, max = 6) int n, @ForAll @IntRange(min = 0, max = 3) int constants,
                       @ForAll boolean xFirst, @ForAll boolean otherFactor) {
        float alpha = constants == 3 ? 0.2f : 1f / 6; // HardSigmoid's default alpha is not HardSwish's
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 1, n, 3).input("z", 1, n, 3)
                .node("HardSigmoid", "x", "s", attr("alpha", alpha), attr("beta", 0.5f));
        String factor = otherFactor && constants == 0 ? "z" : "x"; // x * HardSigmoid(z) is not HardSwish
        check(m.node("Mul", xFirst ? factor + ",s" : "s," + factor, "y").output("y"), "fuse-hardswish", 1e-5);
    }

    @Property(tries = TRIES)
    void fuseLayerNorm(@ForAll @IntRange(min = 2, max = 8) int width, @ForAll boolean lastTwoAxes,
                       @ForAll @IntRange(min = 2, max = 6) int epsExponent, @ForAll boolean meanReadElsewhere) {
        float eps = (float) Math.pow(10, -epsExponent);
        long[] axes = lastTwoAxes ? new long[] {-2, -1} : new long[] {-1};
        int affine = lastTwoAxes ? 3 * width : width;
        long[] affineDims = lastTwoAxes ? new long[] {3, width} : new long[] {width};
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 3, width).scalar("two", 2).scalar("eps", eps)
                .initializer("gamma", random(3, affine, 2), affineDims).initializer("beta", random(4, affine, 1), affineDims)
                .node("ReduceMean", "x", "mean", attr("axes", axes)).node("Sub", "x,mean", "d")
                .node("Pow", "d,two", "sq").node("ReduceMean", "sq", "var", attr("axes", axes))
                .node("Add", "var,eps", "ve").node("Sqrt", "ve", "std").node("Div", "d,std", "n")
                .node("Mul", "n,gamma", "s").node("Add", "s,beta", "y").output("y");
        if (meanReadElsewhere) {
            m.output("mean"); // another reader of an intermediate value: must not fuse
        }
        check(m, "fuse-layernorm", 1e-4);
    }

    @Property(tries = TRIES)
    void fuseGroupNorm(@ForAll @IntRange(min = 1, max = 3) int groupsChoice, @ForAll @IntRange(min = 2, max = 4) int hw,
                       @ForAll @IntRange(min = 2, max = 5) int epsExponent, @ForAll boolean unitInstanceScale,
                       @ForAll boolean normalizedReadElsewhere) {
        float eps = (float) Math.pow(10, -epsExponent);
        int groups = new int[] {1, 2, 3}[groupsChoice - 1];
        int channels = 6;
        float[] scale = new float[groups];
        float[] bias = new float[groups];
        java.util.Arrays.fill(scale, 1f);
        if (!unitInstanceScale) {
            scale[0] = 1.5f; // InstanceNormalization's own affine, which the fused op must keep
        }
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 1, channels, hw, hw).longs("grouped", 0, groups, -1)
                .initializer("gs", scale, groups).initializer("gb", bias, groups)
                .initializer("gamma", random(5, channels, 2), channels, 1, 1)
                .initializer("beta", random(6, channels, 1), channels, 1, 1)
                .node("Reshape", "x,grouped", "r").node("InstanceNormalization", "r,gs,gb", "i", attr("epsilon", eps))
                .node("Shape", "x", "xs").node("Reshape", "i,xs", "u").node("Mul", "u,gamma", "mul")
                .node("Add", "mul,beta", "y").output("y");
        if (normalizedReadElsewhere) {
            m.output("i"); // another reader of an intermediate value: must not fuse
        }
        check(m, "fuse-groupnorm", 1e-4);
    }

    @Property(tries = TRIES)
    void fuseMatMulAdd(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 5) int k,
                       @ForAll @IntRange(min = 1, max = 5) int n, @ForAll boolean biasFirst,
                       @ForAll @IntRange(min = 0, max = 2) int biasShape, @ForAll boolean batched) {
        long[][] dims = {{n}, {1, n}, {rows, n}};
        int size = (int) java.util.Arrays.stream(dims[biasShape]).reduce(1, (x, y) -> x * y);
        OnnxModelBuilder m = new OnnxModelBuilder(13);
        if (batched) {
            m.input("x", 2, rows, k); // a 3-D MatMul is not a Gemm: left alone
        } else {
            m.input("x", rows, k);
        }
        m.initializer("w", random(7, k * n, 1), k, n).initializer("b", random(8, size, 1), dims[biasShape])
                .node("MatMul", "x,w", "mm").node("Add", biasFirst ? "b,mm" : "mm,b", "y").output("y");
        check(m, "fuse-matmul-add", 1e-5);
    }

    @Property(tries = TRIES)
    void foldBatchNorm(@ForAll boolean depthwise, @ForAll boolean convBias, @ForAll boolean runtimeWeights,
                       @ForAll @IntRange(min = 1, max = 5) int epsExponent, @ForAll @IntRange(min = 3, max = 6) int hw) {
        float eps = (float) Math.pow(10, -epsExponent);
        int channels = 4;
        int inPerGroup = depthwise ? 1 : channels;
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 1, channels, hw, hw)
                .initializer("b", random(11, channels, 1), channels)
                .initializer("scale", random(12, channels, 2), channels).initializer("beta", random(13, channels, 1), channels)
                .initializer("mean", random(15, channels, 1), channels)
                .initializer("var", new float[] {0.5f, 1, 2, 3}, channels);
        if (runtimeWeights) {
            m.input("w", channels, inPerGroup, 3, 3); // weights known only at run time: nothing to fold into
        } else {
            m.initializer("w", random(10, channels * inPerGroup * 9, 1), channels, inPerGroup, 3, 3);
        }
        m.node("Conv", convBias ? "x,w,b" : "x,w", "c", attr("group", (long) (depthwise ? channels : 1)),
                attr("pads", 1L, 1, 1, 1)).node("BatchNormalization", "c,scale,beta,mean,var", "y", attr("epsilon", eps));
        check(m.output("y"), "fold-batchnorm", 1e-4);
    }

    @Property(tries = TRIES)
    void fuseConvActivation(@ForAll @IntRange(min = 0, max = 6) int activation, @ForAll @IntRange(min = 1, max = 2) int stride,
                            @ForAll boolean convReadElsewhere) {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 1, 3, 5, 5)
                .initializer("w", random(20, 4 * 3 * 9, 1), 4, 3, 3, 3).initializer("b", random(21, 4, 1), 4)
                .node("Conv", "x,w,b", "c", attr("pads", 1L, 1, 1, 1), attr("strides", (long) stride, stride));
        switch (activation) {
            case 0 -> m.node("Relu", "c", "y");
            case 1 -> m.node("Sigmoid", "c", "y");
            case 2 -> m.node("Tanh", "c", "y");
            case 3 -> m.node("LeakyRelu", "c", "y", attr("alpha", 0.3f));
            case 4 -> m.node("HardSigmoid", "c", "y", attr("alpha", 0.25f), attr("beta", 0.4f));
            case 5 -> m.initializer("lo", new float[] {0}).initializer("hi", new float[] {0.5f}).node("Clip", "c,lo,hi", "y");
            default -> m.node("Abs", "c", "y"); // not a fusible activation
        }
        m.output("y");
        if (convReadElsewhere) {
            m.output("c");
        }
        check(m, "fuse-conv-activation", 1e-5);
    }

    @Property(tries = TRIES)
    void fuseConvResidual(@ForAll boolean relu, @ForAll boolean residualFirst, @ForAll boolean broadcastResidual) {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 1, 4, 5, 5)
                .initializer("w", random(30, 4 * 4 * 9, 0.5f), 4, 4, 3, 3).initializer("b", random(31, 4, 1), 4)
                .node("Conv", "x,w,b", "c", attr("pads", 1L, 1, 1, 1));
        if (broadcastResidual) {
            m.input("r", 1, 4, 1, 1); // not a same-shaped tensor: left alone
        } else {
            m.input("r", 1, 4, 5, 5);
        }
        String conv = relu ? "a" : "c";
        if (relu) {
            m.node("Relu", "c", "a");
        }
        check(m.node("Add", residualFirst ? "r," + conv : conv + ",r", "y").output("y"), "fuse-conv-residual", 1e-5,
                "fuse-conv-activation");
    }
}
