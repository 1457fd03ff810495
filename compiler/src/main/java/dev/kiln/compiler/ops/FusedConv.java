package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Kiln's fused convolution (domain {@code dev.kiln}): Y = act(Conv(X, W) + B) + R,
 * so that the result is written once. Inputs X, W, B (optional), R (optional,
 * the residual, of Y's shape); Conv's attributes plus an {@link Activation}.
 * Made by the FuseConvActivation and FuseConvResidual passes.
 *
 * <p>Two more attributes say how its tensors are laid out, set by the target passes:
 * <ul>
 * <li>{@code channels_last} = 1 (choose-layout): X, Y and R are [N, D1..Dn, C], each
 * position's channels contiguous, instead of [N, C, D1..Dn].</li>
 * <li>{@code packed_panel} = P > 0 (pack-weights): W is not [M, C/group, k1..kn] but the
 * output channels in panels of P, [ceil(M/P), k1..kn, C/group, P], each panel's last
 * axis contiguous and the last panel padded with zeros; a kernel walks a panel from
 * front to back. {@code out_channels} (M) and {@code kernel_shape} say the logical
 * shape. B may then be padded with zeros to whole panels. Packed only for one group
 * or depthwise (C/group = 1).</li>
 * </ul>
 */
public final class FusedConv extends OpDef {
    public static final String OP_TYPE = "FusedConv";

    public FusedConv() {
        super(OP_TYPE, Node.KILN_DOMAIN, 1, 1);
    }

    @Override
    public String notes() {
        return "Conv + activation + residual, made by fuse-conv-activation and fuse-conv-residual; "
                + "attributes channels_last (choose-layout) and packed_panel (pack-weights) say its layout";
    }

    /**
     * How a FusedConv's tensors are laid out.
     *
     * @param channelsLast X, Y and R have their channels last
     * @param panel the output channels per weight panel, 0 when W is in ONNX's layout
     */
    public record Layout(boolean channelsLast, int panel) {
        public boolean packed() {
            return panel > 0;
        }
    }

    /** The layout attributes of a FusedConv (ONNX's for a plain Conv). */
    public static Layout layout(Node node) {
        return new Layout(node.attributes().getInt("channels_last", 0) == 1,
                (int) node.attributes().getInt("packed_panel", 0));
    }

    /** The geometry of a Conv or FusedConv node in any layout, as ONNX's Conv would see it. */
    public static Conv.Params params(Node node) {
        InferContext ctx = new InferContext(node);
        return Conv.params(ctx, logicalInput(ctx), logicalWeight(ctx));
    }

    /** X as [N, C, D1..Dn]. */
    private static TensorType logicalInput(InferContext ctx) {
        TensorType x = ctx.input(0);
        if (ctx.attributes().getInt("channels_last", 0) != 1) {
            return x;
        }
        if (x.rank() < 3) {
            throw ctx.error("a channels-last input must have rank 3 or more (N, spatial..., C), got " + x.shapeString());
        }
        return x.withDims(channelsFirst(x.dims()));
    }

    /** W as [M, C/group, k1..kn]. */
    private static TensorType logicalWeight(InferContext ctx) {
        TensorType w = ctx.input(1);
        int panel = (int) ctx.attributes().getInt("packed_panel", 0);
        if (panel <= 0) {
            return w;
        }
        long[] kernel = ctx.attributes().getInts("kernel_shape", null);
        long m = ctx.attributes().getInt("out_channels", -1);
        if (kernel == null || m < 1 || w.rank() != kernel.length + 3) {
            throw ctx.error("packed weight " + w.shapeString() + " needs kernel_shape and out_channels");
        }
        long[] dims = new long[kernel.length + 2];
        dims[0] = m;
        dims[1] = w.dim(w.rank() - 2);
        System.arraycopy(kernel, 0, dims, 2, kernel.length);
        long panels = (m + panel - 1) / panel;
        if (w.dim(0) != panels || w.dim(w.rank() - 1) != panel) {
            throw ctx.error("packed weight " + w.shapeString() + " does not hold " + m + " output channels in panels of "
                    + panel);
        }
        return w.withDims(dims);
    }

    /** [N, D1..Dn, C] to [N, C, D1..Dn]. */
    public static long[] channelsFirst(long[] channelsLast) {
        long[] d = new long[channelsLast.length];
        d[0] = channelsLast[0];
        d[1] = channelsLast[channelsLast.length - 1];
        System.arraycopy(channelsLast, 1, d, 2, channelsLast.length - 2);
        return d;
    }

    /** [N, C, D1..Dn] to [N, D1..Dn, C]. */
    public static long[] channelsLast(long[] channelsFirst) {
        long[] d = new long[channelsFirst.length];
        d[0] = channelsFirst[0];
        System.arraycopy(channelsFirst, 2, d, 1, channelsFirst.length - 2);
        d[d.length - 1] = channelsFirst[1];
        return d;
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.FLOATS;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, Types.FLOATS);
        ctx.expectSameType(0, 1);
        Conv.Params p = Conv.params(ctx, logicalInput(ctx), logicalWeight(ctx));
        int panel = (int) ctx.attributes().getInt("packed_panel", 0);
        boolean paddedBias = panel > 0 && ctx.hasInput(2) && p.outChannels() % panel != 0
                && ctx.input(2).size() == ((long) p.outChannels() + panel - 1) / panel * panel;
        if (paddedBias) {
            ctx.expectSameType(0, 2);
        } else {
            Conv.checkBias(ctx, p);
        }
        TensorType y = Conv.outputType(ctx, t, p);
        if (ctx.attributes().getInt("channels_last", 0) == 1) {
            y = y.withDims(channelsLast(y.dims()));
        }
        if (ctx.hasInput(3)) {
            ctx.expectSameType(0, 3);
            if (!ctx.input(3).sameShape(y)) {
                throw ctx.error("residual " + ctx.input(3).shapeString() + " must have the output's shape " + y.shapeString());
            }
        }
        return List.of(y);
    }

    @Override
    public long macs(Node node) {
        return new Conv().macs(node);
    }
}
