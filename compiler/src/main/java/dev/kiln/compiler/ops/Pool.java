package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * AveragePool and MaxPool (opset 1+; count_include_pad from 7, ceil_mode from 10,
 * dilations from 10 for MaxPool and 19 for AveragePool, MaxPool's Indices output
 * and storage_order from 8, int8/uint8 MaxPool from 12): [N, C, spatial...] with a
 * sliding window over 1 to 3 spatial axes. The window geometry (pads, auto_pad,
 * ceil_mode) is {@link Window}'s, as for Conv. {@link ChannelsLast} is Kiln's twin of
 * both on channels-last [N, H, W, C].
 */
public class Pool extends OpDef {
    private static final Set<ElementType> MAX_TYPES = Types.union(Types.FLOATS,
            EnumSet.of(ElementType.INT8, ElementType.UINT8));

    public Pool(String opType) {
        super(opType, 1);
    }

    private Pool(String opType, String domain) {
        super(opType, domain, 1, 1);
    }

    /**
     * @param planes the planes pooled independently: N * C, or N for channels-last input
     * @param channels the values pooled side by side at each position: 1, or C for channels-last input
     * @param input the input's spatial extents
     * @param kernel the window's extents (kernel_shape)
     * @param output the output's spatial extents
     * @param countIncludePad whether AveragePool divides by the window size within the padded input
     * @param columnMajor whether MaxPool's Indices count the spatial axes column-major (storage_order 1)
     */
    public record Params(long planes, long channels, long[] input, long[] kernel, long[] strides, long[] dilations,
                         long[] padsBegin, long[] padsEnd, long[] output, boolean countIncludePad,
                         boolean columnMajor) {
    }

    @Override
    public Set<ElementType> elementTypes() {
        return opType().equals("MaxPool") ? MAX_TYPES : Types.FLOATS;
    }

    @Override
    public String notes() {
        return opType().equals("MaxPool") ? "a NaN is never the maximum (as in ONNX Runtime's Indices path)"
                : "SAME padding with dilations follows the spec (ONNX Runtime pads for the undilated kernel)";
    }

    public static Params params(Node node) {
        return params(new InferContext(node), node.domain().equals(Node.KILN_DOMAIN));
    }

    /** @param channelsLast whether X is [N, spatial..., C] (Kiln's twin) rather than [N, C, spatial...] */
    static Params params(InferContext ctx, boolean channelsLast) {
        TensorType x = ctx.input(0);
        if (x.rank() < 3 || x.rank() > 5) {
            throw ctx.error("input " + x.shapeString() + " must be " + (channelsLast ? "[N, spatial..., C]"
                    : "[N, C, spatial...]") + " with 1 to 3 spatial axes");
        }
        int n = x.rank() - 2;
        int firstSpatial = channelsLast ? 1 : 2;
        long[] kernel = ctx.attributes().getInts("kernel_shape", null);
        if (kernel == null || kernel.length != n) {
            throw ctx.error("kernel_shape must list " + n + " extents for input " + x.shapeString());
        }
        long[] input = new long[n];
        for (int i = 0; i < n; i++) {
            input[i] = x.dim(i + firstSpatial);
        }
        boolean ceil = ctx.attributes().getInt("ceil_mode", 0) != 0;
        Window win = Window.resolve(ctx, input, kernel, ceil);
        boolean includePad = ctx.attributes().getInt("count_include_pad", 0) != 0;
        long order = ctx.attributes().getInt("storage_order", 0);
        if (order != 0 && order != 1) {
            throw ctx.error("storage_order must be 0 or 1, got " + order);
        }
        long channels = x.dim(channelsLast ? x.rank() - 1 : 1);
        long planes = channelsLast ? x.dim(0) : x.dim(0) * channels;
        return new Params(planes, channelsLast ? channels : 1, input, kernel, win.strides(), win.dilations(),
                win.padsBegin(), win.padsEnd(), win.output(), includePad, order == 1);
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, elementTypes());
        Params p = params(ctx, false);
        TensorType x = ctx.input(0);
        long[] out = x.dims();
        System.arraycopy(p.output(), 0, out, 2, p.output().length);
        TensorType y = x.withDims(out);
        return opType().equals("MaxPool") ? List.of(y, new TensorType(ElementType.INT64, out)) : List.of(y);
    }

    /**
     * Kiln's MaxPool and AveragePool on channels-last X [N, H, W, C] (domain {@code dev.kiln},
     * made by choose-layout): ONNX's attributes and window, each position's C values pooled
     * side by side. Float only, and no Indices output (choose-layout moves only pools whose
     * Indices nobody reads).
     */
    public static final class ChannelsLast extends Pool {
        public ChannelsLast(String opType) {
            super(opType, Node.KILN_DOMAIN);
        }

        @Override
        public Set<ElementType> elementTypes() {
            return EnumSet.of(ElementType.FLOAT);
        }

        @Override
        public String notes() {
            return "ONNX's " + opType() + " on channels-last [N, H, W, C]" + (opType().equals("MaxPool")
                    ? ", without Indices" : "") + "; made by the choose-layout pass";
        }

        @Override
        public List<TensorType> infer(InferContext ctx) {
            ctx.expectType(0, elementTypes());
            TensorType x = ctx.input(0);
            if (x.rank() != 4) {
                throw ctx.error("input " + x.shapeString() + " must be [N, H, W, C]");
            }
            if (ctx.node().outputs().size() > 1 && ctx.node().output(1) != null) {
                throw ctx.error("the channels-last " + opType() + " has no Indices output");
            }
            Params p = params(ctx, true);
            return List.of(x.withDims(new long[] {x.dim(0), p.output()[0], p.output()[1], x.dim(3)}));
        }
    }
}
