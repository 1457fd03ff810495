package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * DepthToSpace and SpaceToDepth: moving blocks between the channel axis and the
 * spatial axes of an NCHW tensor. Both are, by the spec's definition, a reshape of the
 * input to 6 axes, a transpose, and a reshape to the 4-D output; {@link Params} holds
 * the 6-axis view and the permutation, which the kernel runs as a transpose.
 * {@link ChannelsLastDepthToSpace} is Kiln's twin of DepthToSpace on [N, H, W, C].
 */
public abstract class BlockRearrange extends OpDef {
    /** The input viewed with 6 axes, and the permutation: output axis i is input axis perm[i]. */
    public record Params(long[] inDims6, int[] perm, long[] outDims) {
    }

    protected BlockRearrange(String opType, int minOpset) {
        super(opType, minOpset);
    }

    private BlockRearrange(String opType, String domain) {
        super(opType, domain, 1, 1);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    /** The 6-axis view and permutation for a checked [N, C, H, W] input and block size. */
    protected abstract Params layout(InferContext ctx, long n, long c, long h, long w, long b);

    /** Whether the input is channels-last, [N, H, W, C]. */
    boolean channelsLast() {
        return false;
    }

    public static Params params(Node node) {
        InferContext ctx = new InferContext(node);
        return ((BlockRearrange) OpRegistry.standard().get(node)).params(ctx);
    }

    Params params(InferContext ctx) {
        TensorType x = ctx.input(0);
        if (x.rank() != 4) {
            throw ctx.error("input must be 4-D " + (channelsLast() ? "[N, H, W, C]" : "[N, C, H, W]") + ", got "
                    + x.shapeString());
        }
        long b = ctx.attributes().getInt("blocksize");
        if (b < 1) {
            throw ctx.error("blocksize must be at least 1, got " + b);
        }
        return channelsLast() ? layout(ctx, x.dim(0), x.dim(3), x.dim(1), x.dim(2), b)
                : layout(ctx, x.dim(0), x.dim(1), x.dim(2), x.dim(3), b);
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.ALL);
        return List.of(ctx.input(0).withDims(params(ctx).outDims()));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor x = ctx.constant(0);
        Params p = params(ctx);
        long[] inStrides = new TensorType(ElementType.FLOAT, p.inDims6()).strides();
        long[] dims6 = new long[6];
        long[] read = new long[6];
        for (int i = 0; i < 6; i++) {
            dims6[i] = p.inDims6()[p.perm()[i]];
            read[i] = inStrides[p.perm()[i]];
        }
        TensorType type = x.type().withDims(p.outDims());
        Object data = type.elementType().storage().newArray(type.intSize());
        for (int i = 0; i < type.intSize(); i++) {
            System.arraycopy(x.data(), (int) Broadcast.sourceIndex(i, dims6, read), data, i, 1);
        }
        return List.of(new Tensor(type, data));
    }

    /**
     * DepthToSpace (opset 1+; mode from 11): [N, C, H, W] to [N, C/b², H·b, W·b]. DCR (the
     * default) takes the channel as (b, b, C/b²), CRD as (C/b², b, b).
     */
    public static final class DepthToSpace extends BlockRearrange {
        public DepthToSpace() {
            super("DepthToSpace", 1);
        }

        @Override
        protected Params layout(InferContext ctx, long n, long c, long h, long w, long b) {
            if (c % (b * b) != 0) {
                throw ctx.error("channels " + c + " are not divisible by blocksize² " + (b * b));
            }
            long[] out = {n, c / (b * b), h * b, w * b};
            String mode = ctx.attributes().getString("mode", "DCR");
            return switch (mode) {
                case "DCR" -> new Params(new long[] {n, b, b, c / (b * b), h, w}, new int[] {0, 3, 4, 1, 5, 2}, out);
                case "CRD" -> new Params(new long[] {n, c / (b * b), b, b, h, w}, new int[] {0, 1, 4, 2, 5, 3}, out);
                default -> throw ctx.error("mode '" + mode + "' is not DCR or CRD");
            };
        }
    }

    /** SpaceToDepth (opset 1+): [N, C, H, W] to [N, C·b², H/b, W/b], the inverse of DepthToSpace in DCR mode. */
    public static final class SpaceToDepth extends BlockRearrange {
        public SpaceToDepth() {
            super("SpaceToDepth", 1);
        }

        @Override
        protected Params layout(InferContext ctx, long n, long c, long h, long w, long b) {
            if (h % b != 0 || w % b != 0) {
                throw ctx.error("height " + h + " and width " + w + " must be divisible by blocksize " + b);
            }
            return new Params(new long[] {n, c, h / b, b, w / b, b}, new int[] {0, 3, 5, 1, 2, 4},
                    new long[] {n, c * b * b, h / b, w / b});
        }
    }

    /**
     * Kiln's DepthToSpace on channels-last [N, H, W, C] to [N, H·b, W·b, C/b²] (domain
     * {@code dev.kiln}, made by choose-layout), ONNX's modes. In DCR mode each output position
     * is a contiguous run of C/b² input channels.
     */
    public static final class ChannelsLastDepthToSpace extends BlockRearrange {
        public static final String OP_TYPE = "DepthToSpace";

        public ChannelsLastDepthToSpace() {
            super(OP_TYPE, Node.KILN_DOMAIN);
        }

        @Override
        boolean channelsLast() {
            return true;
        }

        @Override
        public String notes() {
            return "DepthToSpace on channels-last [N, H, W, C], made by the choose-layout pass";
        }

        @Override
        protected Params layout(InferContext ctx, long n, long c, long h, long w, long b) {
            if (c % (b * b) != 0) {
                throw ctx.error("channels " + c + " are not divisible by blocksize² " + (b * b));
            }
            long[] out = {n, h * b, w * b, c / (b * b)};
            String mode = ctx.attributes().getString("mode", "DCR");
            // The view's axes (n, h, w and the channel split as the mode says) to (n, h, bi, w, bj, c).
            return switch (mode) {
                case "DCR" -> new Params(new long[] {n, h, w, b, b, c / (b * b)}, new int[] {0, 1, 3, 2, 4, 5}, out);
                case "CRD" -> new Params(new long[] {n, h, w, c / (b * b), b, b}, new int[] {0, 1, 4, 2, 5, 3}, out);
                default -> throw ctx.error("mode '" + mode + "' is not DCR or CRD");
            };
        }
    }
}
