package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * The Reduce* ops (Mean, Sum, Max, Min, Prod, L1, L2, LogSum, LogSumExp,
 * SumSquare). Axes are an attribute before opset 18 (13 for ReduceSum) and an
 * optional input after; no axes means all of them, unless noop_with_empty_axes.
 */
public final class Reduce extends OpDef {
    private final int axesInputSince;
    private final Set<ElementType> types;

    public Reduce(String opType, int axesInputSince, Set<ElementType> types) {
        super(opType, 1);
        this.axesInputSince = axesInputSince;
        this.types = types;
    }

    /**
     * @param reduced for each input axis, whether it is reduced
     * @param outDims the output shape (reduced axes kept as 1 when keepdims, dropped otherwise)
     * @param identity true when no axis is reduced (noop_with_empty_axes)
     */
    public record Params(boolean[] reduced, long[] outDims, boolean identity) {
    }

    @Override
    public Set<ElementType> elementTypes() {
        return types;
    }

    @Override
    public String notes() {
        String axes = "axes must be known at compile time";
        return opType().equals("ReduceMax") ? axes + "; a NaN is the maximum only where it comes first (as in ONNX Runtime)"
                : axes;
    }

    @Override
    public boolean isStaticInput(Node node, int index) {
        return index == 1;
    }

    public static Params params(Node node, int axesInputSince) {
        return params(new InferContext(node), axesInputSince);
    }

    /** The params of a node of this op. */
    public Params params(Node node) {
        return params(node, axesInputSince);
    }

    static Params params(InferContext ctx, int axesInputSince) {
        TensorType x = ctx.input(0);
        long[] axes = ctx.opset() >= axesInputSince
                ? (ctx.hasInput(1) ? ctx.requireConstant(1, "axes").toLongs() : null)
                : ctx.attributes().getInts("axes", null);
        boolean keepDims = ctx.attributes().getInt("keepdims", 1) != 0;
        boolean noop = ctx.attributes().getInt("noop_with_empty_axes", 0) != 0;
        boolean[] reduced = new boolean[x.rank()];
        if (axes == null || axes.length == 0) {
            if (noop) {
                return new Params(reduced, x.dims(), true);
            }
            java.util.Arrays.fill(reduced, true);
        } else {
            for (long a : axes) {
                reduced[ctx.axis(a, x.rank())] = true;
            }
        }
        long[] out = new long[x.rank()];
        int n = 0;
        for (int i = 0; i < x.rank(); i++) {
            if (!reduced[i]) {
                out[n++] = x.dim(i);
            } else if (keepDims) {
                out[n++] = 1;
            }
        }
        return new Params(reduced, java.util.Arrays.copyOf(out, n), false);
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, types);
        return List.of(ctx.input(0).withDims(params(ctx, axesInputSince).outDims()));
    }
}
