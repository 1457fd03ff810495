package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The normalisations that standardise a tensor over some axes and then scale and
 * shift it per channel: BatchNormalization (inference form), InstanceNormalization,
 * LayerNormalization and GroupNormalization.
 */
public abstract class Normalization extends OpDef {
    protected Normalization(String opType, int minOpset) {
        super(opType, minOpset);
    }

    protected Normalization(String opType, String domain, int minOpset, int maxOpset) {
        super(opType, domain, minOpset, maxOpset);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.FLOATS;
    }

    public static float epsilon(Node node) {
        return node.attributes().getFloat("epsilon", 1e-5f);
    }

    /** Checks that input {@code i} has shape {@code dims} (or one that broadcasts to it, if {@code broadcast}). */
    static void expectShape(InferContext ctx, int i, String what, long[] dims, boolean broadcast) {
        TensorType t = ctx.input(i);
        boolean ok = broadcast
                ? java.util.Arrays.equals(Broadcast.shape(t.dims(), dims), dims)
                : java.util.Arrays.equals(t.dims(), dims);
        if (!ok) {
            throw ctx.error(what + " " + t.shapeString() + " must be " + TensorType.formatDims(dims));
        }
    }

    /** BatchNormalization (opset 9+), inference only: (x - mean) / sqrt(var + eps) * scale + B per channel. */
    public static final class BatchNormalization extends Normalization {
        public BatchNormalization() {
            super("BatchNormalization", 9);
        }

        @Override
        public String notes() {
            return "inference only (training_mode = 0, one output)";
        }

        @Override
        public List<TensorType> infer(InferContext ctx) {
            ctx.expectType(0, Types.FLOATS);
            TensorType x = ctx.input(0);
            if (ctx.attributes().getInt("training_mode", 0) != 0 || ctx.node().outputs().size() > 1
                    && ctx.node().outputs().subList(1, ctx.node().outputs().size()).stream().anyMatch(v -> v != null)) {
                throw ctx.error("training mode (running statistics as outputs) is not supported");
            }
            long[] c = {x.rank() < 2 ? 1 : x.dim(1)};
            for (int i = 1; i <= 4; i++) {
                expectShape(ctx, i, new String[] {"", "scale", "B", "mean", "var"}[i], c, false);
            }
            return List.of(x);
        }
    }

    /** InstanceNormalization (opset 6+): per sample and channel over the spatial axes, then scale and B per channel. */
    public static final class InstanceNormalization extends Normalization {
        public InstanceNormalization() {
            super("InstanceNormalization", 6);
        }

        @Override
        public List<TensorType> infer(InferContext ctx) {
            ctx.expectType(0, Types.FLOATS);
            TensorType x = ctx.input(0);
            if (x.rank() < 3) {
                throw ctx.error("input " + x.shapeString() + " must have rank 3 or more (N, C, spatial...)");
            }
            expectShape(ctx, 1, "scale", new long[] {x.dim(1)}, false);
            expectShape(ctx, 2, "B", new long[] {x.dim(1)}, false);
            return List.of(x);
        }
    }

    /**
     * LayerNormalization (opset 17+): over axes [axis, rank), then Scale and B broadcast
     * over those axes. Optional outputs Mean and InvStdDev keep the normalised axes as 1.
     */
    public static final class LayerNormalization extends Normalization {
        public LayerNormalization() {
            super("LayerNormalization", 17);
        }

        public static int axis(Node node) {
            InferContext ctx = new InferContext(node);
            return ctx.axis(node.attributes().getInt("axis", -1), ctx.input(0).rank());
        }

        @Override
        public List<TensorType> infer(InferContext ctx) {
            ctx.expectType(0, Types.FLOATS);
            TensorType x = ctx.input(0);
            int axis = ctx.axis(ctx.attributes().getInt("axis", -1), x.rank());
            long[] normalized = java.util.Arrays.copyOfRange(x.dims(), axis, x.rank());
            expectShape(ctx, 1, "Scale", normalized, true);
            if (ctx.hasInput(2)) {
                expectShape(ctx, 2, "B", normalized, true);
            }
            long stash = ctx.attributes().getInt("stash_type", 1);
            ElementType statType = ElementType.fromCode((int) stash);
            if (statType == null || !statType.isFloat()) {
                throw ctx.error("stash_type " + stash + " is not a float type");
            }
            long[] statDims = x.dims();
            for (int i = axis; i < statDims.length; i++) {
                statDims[i] = 1;
            }
            List<TensorType> out = new ArrayList<>();
            out.add(x);
            for (int i = 1; i < ctx.node().outputs().size(); i++) {
                out.add(ctx.node().output(i) == null ? null : new TensorType(statType, statDims));
            }
            return out;
        }
    }

    /**
     * GroupNormalization (opset 18+): over each group of channels and the spatial axes,
     * then scale and bias — per group in opset 18, per channel from opset 21.
     */
    public static final class GroupNormalization extends Normalization {
        public GroupNormalization() {
            super("GroupNormalization", 18);
        }

        public static int groups(Node node) {
            return (int) node.attributes().getInt("num_groups");
        }

        @Override
        public List<TensorType> infer(InferContext ctx) {
            ctx.expectType(0, Types.FLOATS);
            TensorType x = ctx.input(0);
            long groups = ctx.attributes().getInt("num_groups");
            if (x.rank() < 2 || groups < 1 || x.dim(1) % groups != 0) {
                throw ctx.error("num_groups " + groups + " does not divide the channels of " + x.shapeString());
            }
            long[] affine = {ctx.opset() >= 21 ? x.dim(1) : groups};
            expectShape(ctx, 1, "scale", affine, false);
            expectShape(ctx, 2, "bias", affine, false);
            return List.of(x);
        }
    }

    /**
     * Kiln's channels-last GroupNormalization (domain {@code dev.kiln}, made by choose-layout):
     * ONNX's opset-21 GroupNormalization (statistics per group of channels and all positions,
     * scale and bias per channel) on X [N, D1..Dn, C], each position's channels contiguous.
     */
    public static final class ChannelsLastGroupNormalization extends Normalization {
        public static final String OP_TYPE = "GroupNormalization";

        public ChannelsLastGroupNormalization() {
            super(OP_TYPE, Node.KILN_DOMAIN, 1, 1);
        }

        @Override
        public String notes() {
            return "GroupNormalization (opset 21: scale and bias per channel) on channels-last [N, ..., C], "
                    + "made by the choose-layout pass";
        }

        @Override
        public List<TensorType> infer(InferContext ctx) {
            ctx.expectType(0, Types.FLOATS);
            TensorType x = ctx.input(0);
            long groups = ctx.attributes().getInt("num_groups");
            long channels = x.rank() < 2 ? 0 : x.dim(x.rank() - 1);
            if (x.rank() < 2 || groups < 1 || channels % groups != 0) {
                throw ctx.error("num_groups " + groups + " does not divide the channels (last axis) of "
                        + x.shapeString());
            }
            expectShape(ctx, 1, "scale", new long[] {channels}, false);
            expectShape(ctx, 2, "bias", new long[] {channels}, false);
            return List.of(x);
        }
    }
}
