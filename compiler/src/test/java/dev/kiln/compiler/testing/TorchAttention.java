package dev.kiln.compiler.testing;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;

/**
 * A test model of LowFormer's attention as torch.onnx.export writes it (opsets 13 and
 * 17), on x [N, heads*3*d, h, w]:
 *
 * <pre>
 * Reshape to [N, heads, 3d, h*w], Transpose (0, 1, 3, 2), cut into Q, K, V on the last axis,
 * MatMul(Q, Transpose(K)), Div by sqrt(d), Softmax(-1), MatMul with V,
 * Transpose (0, 1, 3, 2), Reshape to [N, heads*d, h, w]
 * </pre>
 *
 * The setters vary it the ways a real graph can (how Q, K, V are cut, how the scores are
 * scaled, channels-last around it) and make near misses that fuse-attention must leave
 * alone. Input "x", output "y".
 */
public final class TorchAttention {
    /** How the scores are scaled before the softmax. */
    public enum Scale { DIV, MUL, MUL_CONSTANT_FIRST, NONE }

    /** How the [N, heads, L, 3d] tensor is cut into Q, K and V. */
    public enum Cut {
        /** As PyTorch exports chunk(3): three Slices whose ends come from Shape at run time. */
        TORCH_CHUNK,
        /** Three Slices with constant bounds, written out of order. */
        SLICES,
        /** One Split. */
        SPLIT
    }

    private final int batch;
    private final int heads;
    private final int headDim;
    private final int height;
    private final int width;
    private int opset = 13;
    private Cut cut = Cut.TORCH_CHUNK;
    private Scale scale = Scale.DIV;
    private long[] grouped;
    private long[] image;
    private long softmaxAxis = -1;
    private boolean masked;
    private boolean keysFirst;
    private boolean channelsLast;

    public TorchAttention(int batch, int heads, int headDim, int height, int width) {
        this.batch = batch;
        this.heads = heads;
        this.headDim = headDim;
        this.height = height;
        this.width = width;
    }

    public TorchAttention opset(int v) {
        this.opset = v;
        return this;
    }

    public TorchAttention cut(Cut v) {
        this.cut = v;
        return this;
    }

    public TorchAttention scale(Scale v) {
        this.scale = v;
        return this;
    }

    /** Groups x into this shape instead of [N, heads, 3d, h*w]; its third axis is then Q|K|V. */
    public TorchAttention groupedAs(long... dims) {
        this.grouped = dims;
        return this;
    }

    /** Reshapes the result to this shape instead of [N, heads*d, h, w]. */
    public TorchAttention imageAs(long... dims) {
        this.image = dims;
        return this;
    }

    public TorchAttention softmaxAxis(long axis) {
        this.softmaxAxis = axis;
        return this;
    }

    /** Adds a constant mask to the scaled scores. */
    public TorchAttention masked() {
        this.masked = true;
        return this;
    }

    /** Multiplies K by Q^T instead of Q by K^T. */
    public TorchAttention keysFirst() {
        this.keysFirst = true;
        return this;
    }

    /** Takes x as [N, h, w, C] and gives y as [N, h, w, C'], with Transposes to and from channels first. */
    public TorchAttention channelsLast() {
        this.channelsLast = true;
        return this;
    }

    /** The dims of input x. */
    public long[] inputDims() {
        long c = 3L * heads * headDim;
        return channelsLast ? new long[] {batch, height, width, c} : new long[] {batch, c, height, width};
    }

    public OnnxModelBuilder build() {
        long[] groups = grouped != null ? grouped
                : new long[] {batch, heads, 3L * headDim, (long) height * width};
        long[] result = image != null ? image : new long[] {batch, (long) heads * headDim, height, width};
        int d = (int) groups[2] / 3;
        long[] x = inputDims();
        OnnxModelBuilder m = new OnnxModelBuilder(opset).input("x", x[0], x[1], x[2], x[3])
                .longs("heads_shape", groups).longs("image_shape", result);
        if (channelsLast) {
            m.node("Transpose", "x", "x_nchw", attr("perm", 0L, 3, 1, 2));
        }
        m.node("Reshape", (channelsLast ? "x_nchw" : "x") + ",heads_shape", "grouped")
                .node("Transpose", "grouped", "qkv", attr("perm", 0L, 1, 3, 2));
        cut(m, d);
        m.node("Transpose", keysFirst ? "q" : "k", "kt", attr("perm", 0L, 1, 3, 2))
                .node("MatMul", (keysFirst ? "k" : "q") + ",kt", "scores");
        String scores = scale(m, (float) Math.sqrt(d));
        if (masked) {
            int tokens = (int) groups[3];
            m.initializer("mask", OnnxModelBuilder.random(7, tokens * tokens, 3), tokens, tokens)
                    .node("Add", scores + ",mask", "masked");
            scores = "masked";
        }
        m.node("Softmax", scores, "weights", attr("axis", softmaxAxis))
                .node("MatMul", "weights,v", "o")
                .node("Transpose", "o", "ot", attr("perm", 0L, 1, 3, 2))
                .node("Reshape", "ot,image_shape", channelsLast ? "y_nchw" : "y");
        if (channelsLast) {
            m.node("Transpose", "y_nchw", "y", attr("perm", 0L, 2, 3, 1));
        }
        return m.output("y");
    }

    /** Writes the nodes that cut "qkv" into "q", "k" and "v". */
    private void cut(OnnxModelBuilder m, int d) {
        switch (cut) {
            case TORCH_CHUNK -> m.longs("last", -1).longs("zero", 0).longs("two", 2).longs("three", 3).longs("one", 1)
                    .node("Shape", "qkv", "qkv_shape")
                    .node("Gather", "qkv_shape,last", "extent", attr("axis", 0L))
                    .node("Add", "extent,two", "rounded")
                    .node("Div", "rounded,three", "size")
                    .node("Mul", "size,one", "end_q").node("Mul", "size,two", "end_k").node("Mul", "size,three", "end_v")
                    .node("Slice", "qkv,zero,end_q,last", "q")
                    .node("Slice", "qkv,end_q,end_k,last", "k")
                    .node("Slice", "qkv,end_k,end_v,last", "v");
            case SLICES -> m.longs("axis", 3).longs("s0", 0).longs("s1", d).longs("s2", 2L * d).longs("s3", 3L * d)
                    .node("Slice", "qkv,s2,s3,axis", "v")
                    .node("Slice", "qkv,s0,s1,axis", "q")
                    .node("Slice", "qkv,s1,s2,axis", "k");
            case SPLIT -> m.longs("sizes", d, d, d).node("Split", "qkv,sizes", "q,k,v", attr("axis", -1L));
            default -> throw new IllegalArgumentException(cut.toString());
        }
    }

    /** Writes the scaling of "scores" by 1/c and returns the scaled value's name. */
    private String scale(OnnxModelBuilder m, float c) {
        switch (scale) {
            case DIV -> m.scalar("c", c).node("Div", "scores,c", "scaled");
            case MUL -> m.scalar("c", 1 / c).node("Mul", "scores,c", "scaled");
            case MUL_CONSTANT_FIRST -> m.initializer("c", new float[] {1 / c}, 1, 1, 1, 1).node("Mul", "c,scores", "scaled");
            case NONE -> {
                return "scores";
            }
            default -> throw new IllegalArgumentException(scale.toString());
        }
        return "scaled";
    }
}
