package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Kiln's multi-head attention over an image (domain {@code dev.kiln}), as LowFormer
 * computes it after its QKV convolution. Input X holds, for each of the h x w
 * positions (the tokens, row-major), heads x 3 x head_dim channels: within head i,
 * channels {@code i*3*d .. i*3*d+d-1} are Q, the next d are K, the last d are V. Per
 * head, O = softmax(scale * Q K^T) V with the softmax over keys; output channel
 * {@code i*d + j} is column j of head i's O.
 *
 * <p>With {@code channels_last = 0}, X is [N, heads*3*d, h, w] and Y [N, heads*d, h, w];
 * with 1, X is [N, h, w, heads*3*d] and Y [N, h, w, heads*d]. Made by the
 * fuse-attention pass (always channels first); a layout pass may switch it.
 */
public final class Attention extends OpDef {
    public static final String OP_TYPE = "Attention";

    public Attention() {
        super(OP_TYPE, Node.KILN_DOMAIN, 1, 1);
    }

    /**
     * The node's attributes and geometry, checked.
     *
     * @param scale what the scores Q K^T are multiplied by before the softmax
     */
    public record Params(int batch, int heads, int headDim, int height, int width, float scale,
                         boolean channelsLast) {
        /** Tokens per image: the positions h x w. */
        public int tokens() {
            return height * width;
        }

        /** Channels of X: heads x 3 x head_dim. */
        public int inChannels() {
            return heads * 3 * headDim;
        }

        /** Channels of Y: heads x head_dim. */
        public int outChannels() {
            return heads * headDim;
        }
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Set.of(ElementType.FLOAT);
    }

    @Override
    public String notes() {
        return "LowFormer's attention after its QKV convolution, made by the fuse-attention pass; "
                + "attributes heads, head_dim, scale, channels_last";
    }

    public static Params params(Node node) {
        return params(new InferContext(node));
    }

    static Params params(InferContext ctx) {
        if (ctx.inputCount() != 1) {
            throw ctx.error("takes one input (the QKV tensor), got " + ctx.inputCount());
        }
        TensorType x = ctx.input(0);
        long heads = ctx.attributes().getInt("heads");
        long headDim = ctx.attributes().getInt("head_dim");
        float scale = ctx.attributes().getFloat("scale", Float.NaN);
        long channelsLast = ctx.attributes().getInt("channels_last", 0);
        if (heads < 1 || headDim < 1) {
            throw ctx.error("heads (" + heads + ") and head_dim (" + headDim + ") must be at least 1");
        }
        if (!Float.isFinite(scale)) {
            throw ctx.error("attribute scale is required and must be finite, got " + scale);
        }
        if (channelsLast != 0 && channelsLast != 1) {
            throw ctx.error("channels_last must be 0 or 1, got " + channelsLast);
        }
        if (x.rank() != 4) {
            throw ctx.error("input X must have rank 4 (" + (channelsLast == 1 ? "N, h, w, C" : "N, C, h, w")
                    + "), got " + x.shapeString());
        }
        int channelAxis = channelsLast == 1 ? 3 : 1;
        if (x.dim(channelAxis) != heads * 3 * headDim) {
            throw ctx.error("input X " + x.shapeString() + " must have heads x 3 x head_dim = " + heads + " x 3 x "
                    + headDim + " = " + heads * 3 * headDim + " channels on axis " + channelAxis);
        }
        int h = channelsLast == 1 ? 1 : 2;
        return new Params(x.intDim(0), (int) heads, (int) headDim, x.intDim(h), x.intDim(h + 1), scale,
                channelsLast == 1);
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, elementTypes());
        Params p = params(ctx);
        long[] dims = p.channelsLast()
                ? new long[] {p.batch(), p.height(), p.width(), p.outChannels()}
                : new long[] {p.batch(), p.outChannels(), p.height(), p.width()};
        return List.of(ctx.input(0).withDims(dims));
    }

    /** Q K^T and the weights times V: 2 x heads x tokens^2 x head_dim per image. */
    @Override
    public long macs(Node node) {
        Params p = params(node);
        return 2L * p.batch() * p.heads() * p.tokens() * p.tokens() * p.headDim();
    }
}
