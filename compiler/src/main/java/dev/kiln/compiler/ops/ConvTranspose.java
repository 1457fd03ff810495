package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * ConvTranspose (opset 1+): X [N, C, D1..Dn], W [C, M/group, k1..kn], optional
 * bias B [M]. Each input element scatters a kernel-sized patch into the output.
 */
public final class ConvTranspose extends OpDef {
    public ConvTranspose() {
        super("ConvTranspose", 1);
    }

    /** The geometry with defaults applied and output_shape / auto_pad resolved into pads. */
    public record Params(int group, int inChannels, int outChannels, long[] kernel, long[] strides,
                         long[] padsBegin, long[] padsEnd, long[] dilations,
                         long[] inputSpatial, long[] outputSpatial) {
        public int spatialRank() {
            return kernel.length;
        }
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.FLOATS;
    }

    public static Params params(Node node) {
        return params(new InferContext(node));
    }

    static Params params(InferContext ctx) {
        TensorType x = ctx.input(0);
        TensorType w = ctx.input(1);
        int n = x.rank() - 2;
        if (n < 1 || w.rank() != x.rank()) {
            throw ctx.error("X " + x.shapeString() + " and W " + w.shapeString() + " must have the same rank, 3 or more");
        }
        int group = (int) ctx.attributes().getInt("group", 1);
        long c = x.dim(1);
        if (group < 1 || w.dim(0) != c || c % group != 0) {
            throw ctx.error("W " + w.shapeString() + " does not fit X " + x.shapeString() + " with group " + group);
        }
        long m = w.dim(1) * group;
        long[] kernel = new long[n];
        long[] in = new long[n];
        for (int i = 0; i < n; i++) {
            kernel[i] = w.dim(2 + i);
            in[i] = x.dim(2 + i);
        }
        long[] strides = Window.ints(ctx, "strides", n, 1);
        long[] dilations = Window.ints(ctx, "dilations", n, 1);
        long[] outputPadding = Window.ints(ctx, "output_padding", n, 0);
        long[] outputShape = ctx.attributes().getInts("output_shape", null);
        long[] pads = ctx.attributes().getInts("pads", new long[2 * n]);
        String autoPad = ctx.attributes().getString("auto_pad", "NOTSET");
        if (outputShape != null && outputShape.length == n + 2) {
            outputShape = java.util.Arrays.copyOfRange(outputShape, 2, n + 2);
        }
        if (outputShape != null && outputShape.length != n) {
            throw ctx.error("output_shape has " + outputShape.length + " values, expected " + n);
        }
        if (pads.length != 2 * n) {
            throw ctx.error("pads has " + pads.length + " values, expected " + 2 * n);
        }
        long[] begin = new long[n];
        long[] end = new long[n];
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long full = strides[i] * (in[i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1;
            long target;
            if (outputShape != null) {
                target = outputShape[i];
            } else if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
                target = in[i] * strides[i];
            } else {
                target = -1;
            }
            if (target >= 0) {
                long total = full - target;
                if (total < 0) {
                    // output_shape asks for more than the full output: the extra rows come at the end,
                    // as with output_padding (what ONNX Runtime does; the reference
                    // implementation agrees when one row is missing, the node test's case)
                    end[i] = total;
                } else if (autoPad.equals("SAME_UPPER")) {
                    begin[i] = total / 2;
                    end[i] = total - total / 2;
                } else {
                    begin[i] = total - total / 2;
                    end[i] = total / 2;
                }
            } else if (!autoPad.equals("VALID")) {
                begin[i] = pads[i];
                end[i] = pads[i + n];
            }
            out[i] = full - begin[i] - end[i];
            if (out[i] < 1) {
                throw ctx.error("output extent " + out[i] + " on spatial axis " + i + " is not positive");
            }
        }
        return new Params(group, (int) c, (int) m, kernel, strides, begin, end, dilations, in, out);
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, Types.FLOATS);
        ctx.expectSameType(0, 1);
        Params p = params(ctx);
        if (ctx.hasInput(2)) {
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

    @Override
    public long macs(Node node) {
        TensorType w = node.input(1).type();
        return node.input(0).type().size() * (w.size() / w.dim(0));
    }
}
