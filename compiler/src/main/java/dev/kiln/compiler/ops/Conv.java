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
        TensorType x = ctx.input(0);
        TensorType w = ctx.input(1);
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
        Params p = params(ctx);
        if (ctx.hasInput(2)) {
            ctx.expectSameType(0, 2);
            TensorType b = ctx.input(2);
            if (b.rank() != 1 || b.dim(0) != p.outChannels()) {
                throw ctx.error("bias B " + b.shapeString() + " must be [" + p.outChannels() + "]");
            }
        }
        long[] out = new long[2 + p.spatialRank()];
        out[0] = ctx.input(0).dim(0);
        out[1] = p.outChannels();
        System.arraycopy(p.outputSpatial(), 0, out, 2, p.spatialRank());
        return List.of(new TensorType(t, out));
    }
}
