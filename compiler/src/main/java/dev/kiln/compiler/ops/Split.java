package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Split (opset 11+): cuts the input along {@code axis} into consecutive parts. The part
 * sizes come from the {@code split} attribute (before opset 13) or input 1 (from 13);
 * without them the parts are equal, and from opset 18 {@code num_outputs} parts of
 * ceil(dim / num_outputs) with a smaller last one.
 */
public final class Split extends OpDef {
    public Split() {
        super("Split", 11);
    }

    /** The axis in [0, rank) and each output's extent along it. */
    public record Params(int axis, long[] sizes) {
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public boolean isStaticInput(Node node, int index) {
        return index == 1;
    }

    public static Params params(Node node) {
        return params(new InferContext(node));
    }

    static Params params(InferContext ctx) {
        TensorType x = ctx.input(0);
        int axis = ctx.axis(ctx.attributes().getInt("axis", 0), x.rank());
        long dim = x.dim(axis);
        int outputs = ctx.node().outputs().size();
        long[] sizes;
        if (ctx.opset() < 13) {
            sizes = ctx.attributes().getInts("split", null);
        } else {
            sizes = ctx.hasInput(1) ? ctx.requireConstant(1, "split").toLongs() : null;
        }
        if (sizes != null) {
            if (ctx.attributes().has("num_outputs")) {
                throw ctx.error("split and num_outputs are both given; only one is allowed");
            }
            if (sizes.length != outputs) {
                throw ctx.error("split " + Arrays.toString(sizes) + " has " + sizes.length + " parts but the node has "
                        + outputs + " outputs");
            }
            long total = 0;
            for (long s : sizes) {
                if (s < 0) {
                    throw ctx.error("split " + Arrays.toString(sizes) + " has a negative size");
                }
                total += s;
            }
            if (total != dim) {
                throw ctx.error("split " + Arrays.toString(sizes) + " sums to " + total + ", but axis " + axis
                        + " of " + x.shapeString() + " has " + dim);
            }
            return new Params(axis, sizes);
        }
        if (ctx.opset() >= 18) {
            long n = ctx.attributes().getInt("num_outputs", -1);
            if (n < 1 || n != outputs) {
                throw ctx.error("without split, num_outputs is required and must equal the number of outputs ("
                        + outputs + "), got " + n);
            }
            long chunk = (dim + n - 1) / n;
            sizes = new long[outputs];
            for (int i = 0; i < outputs; i++) {
                sizes[i] = Math.max(0, Math.min(chunk, dim - i * chunk));
            }
            return new Params(axis, sizes);
        }
        if (dim % outputs != 0) {
            throw ctx.error("axis " + axis + " of " + x.shapeString() + " does not split into " + outputs
                    + " equal parts");
        }
        sizes = new long[outputs];
        Arrays.fill(sizes, dim / outputs);
        return new Params(axis, sizes);
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.ALL);
        TensorType x = ctx.input(0);
        Params p = params(ctx);
        List<TensorType> out = new ArrayList<>();
        for (long size : p.sizes()) {
            long[] dims = x.dims();
            dims[p.axis()] = size;
            out.add(x.withDims(dims));
        }
        return out;
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor x = ctx.constant(0);
        Params p = params(ctx);
        List<TensorType> types = infer(ctx);
        long[] dims = x.type().dims();
        long outer = 1;
        for (int d = 0; d < p.axis(); d++) {
            outer *= dims[d];
        }
        long inRow = outer == 0 ? 0 : x.size() / outer;
        List<Tensor> out = new ArrayList<>();
        long offset = 0;
        for (TensorType t : types) {
            long row = outer == 0 ? 0 : t.size() / outer;
            Object data = t.elementType().storage().newArray(t.intSize());
            for (long o = 0; o < outer; o++) {
                System.arraycopy(x.data(), (int) (o * inRow + offset), data, (int) (o * row), (int) row);
            }
            offset += row;
            out.add(new Tensor(t, data));
        }
        return out;
    }
}
