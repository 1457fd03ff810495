package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Conv (opset 1+, the same semantics throughout): X [N, C, D1..Dn] convolved with
 * W [M, C/group, k1..kn], plus optional bias B [M].
 */
public final class Conv extends OpDef {
    public Conv() {
        super("Conv", 1);
    }

    /**
     * The op's geometry with every default applied and auto_pad resolved.
     *
     * @param inputSpatial the spatial input extent D1..Dn
     * @param outputSpatial the spatial output extent
     */
    public record Params(int group, int inChannels, int outChannels, long[] kernel, long[] strides,
                         long[] padsBegin, long[] padsEnd, long[] dilations,
                         long[] inputSpatial, long[] outputSpatial) {
        public int spatialRank() {
            return kernel.length;
        }

        /** Whether this is a depthwise convolution: one input and one output channel per group. */
        public boolean isDepthwise() {
            return group == inChannels && group == outChannels && group > 1;
        }
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.FLOATS;
    }

    /** Reads the params of a Conv (or fused Conv) node whose input types are known. */
    public static Params params(Node node) {
        return params(new InferContext(node));
    }

    static Params params(InferContext ctx) {
        return params(ctx, ctx.input(0), ctx.input(1));
    }

    /**
     * The params for X and W in ONNX's layout (X [N, C, D1..Dn], W [M, C/group, k1..kn]): the
     * node's own inputs, or, for a Kiln op that keeps them in another layout, their logical shapes.
     */
    static Params params(InferContext ctx, TensorType x, TensorType w) {
        if (x.rank() < 3) {
            throw ctx.error("input X must have rank 3 or more (N, C, spatial...), got " + x.shapeString());
        }
        int n = x.rank() - 2;
        if (w.rank() != x.rank()) {
            throw ctx.error("weight W " + w.shapeString() + " must have the rank of X " + x.shapeString());
        }
        int group = (int) ctx.attributes().getInt("group", 1);
        long c = x.dim(1);
        long m = w.dim(0);
        if (group < 1 || c % group != 0 || m % group != 0 || w.dim(1) * group != c) {
            throw ctx.error("group " + group + " does not fit X " + x.shapeString() + " and W " + w.shapeString());
        }
        long[] kernel = new long[n];
        for (int i = 0; i < n; i++) {
            kernel[i] = w.dim(2 + i);
        }
        long[] declared = ctx.attributes().getInts("kernel_shape", null);
        if (declared != null && !java.util.Arrays.equals(declared, kernel)) {
            throw ctx.error("kernel_shape " + TensorType.formatDims(declared) + " does not match W " + w.shapeString());
        }
        long[] spatial = new long[n];
        for (int i = 0; i < n; i++) {
            spatial[i] = x.dim(2 + i);
        }
        Window window = Window.resolve(ctx, spatial, kernel, false);
        return new Params(group, (int) c, (int) m, kernel, window.strides(), window.padsBegin(), window.padsEnd(),
                window.dilations(), spatial, window.output());
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, Types.FLOATS);
        ctx.expectSameType(0, 1);
        return List.of(output(ctx, t, params(ctx)));
    }

    /** Y [N, M, output spatial...], after checking the bias B against the params. */
    static TensorType output(InferContext ctx, ElementType t, Params p) {
        checkBias(ctx, p);
        return outputType(ctx, t, p);
    }

    /** Checks that the bias B, if there is one, is [M]. */
    static void checkBias(InferContext ctx, Params p) {
        if (ctx.hasInput(2)) {
            ctx.expectSameType(0, 2);
            TensorType b = ctx.input(2);
            if (b.rank() != 1 || b.dim(0) != p.outChannels()) {
                throw ctx.error("bias B " + b.shapeString() + " must be [" + p.outChannels() + "]");
            }
        }
    }

    /** Y [N, M, output spatial...]. */
    static TensorType outputType(InferContext ctx, ElementType t, Params p) {
        long[] out = new long[2 + p.spatialRank()];
        out[0] = ctx.input(0).dim(0);
        out[1] = p.outChannels();
        System.arraycopy(p.outputSpatial(), 0, out, 2, p.spatialRank());
        return new TensorType(t, out);
    }

    @Override
    public long macs(Node node) {
        Params p = FusedConv.params(node);
        long perOutput = (long) p.inChannels() / p.group();
        for (long k : p.kernel()) {
            perOutput *= k;
        }
        return node.output().type().size() * perOutput;
    }
}
