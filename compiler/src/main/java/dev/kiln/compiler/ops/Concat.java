package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/** Concat (opset 4+): joins the inputs along {@code axis}. */
public final class Concat extends OpDef {
    public Concat() {
        super("Concat", 4);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    /** The concatenation axis in [0, rank). */
    public static int axis(Node node) {
        InferContext ctx = new InferContext(node);
        return ctx.axis(ctx.attributes().getInt("axis"), ctx.input(0).rank());
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        TensorType first = ctx.input(0);
        int axis = ctx.axis(ctx.attributes().getInt("axis"), first.rank());
        long[] out = first.dims();
        out[axis] = 0;
        for (int i = 0; i < ctx.inputCount(); i++) {
            TensorType t = ctx.input(i);
            ctx.expectSameType(0, i);
            for (int d = 0; d < first.rank(); d++) {
                if (t.rank() != first.rank() || (d != axis && t.dim(d) != first.dim(d))) {
                    throw ctx.error("input " + i + " " + t.shapeString() + " does not fit input 0 "
                            + first.shapeString() + " for concatenation along axis " + axis);
                }
            }
            out[axis] += t.dim(axis);
        }
        return List.of(first.withDims(out));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        TensorType out = infer(ctx).get(0);
        int axis = ctx.axis(ctx.attributes().getInt("axis"), out.rank());
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= out.dim(d);
        }
        long outRow = out.size() / Math.max(1, outer);
        Object data = out.elementType().storage().newArray(out.intSize());
        long offset = 0;
        for (int i = 0; i < ctx.inputCount(); i++) {
            Tensor t = ctx.constant(i);
            long row = outer == 0 ? 0 : t.size() / outer;
            for (long o = 0; o < outer; o++) {
                System.arraycopy(t.data(), (int) (o * row), data, (int) (o * outRow + offset), (int) row);
            }
            offset += row;
        }
        return List.of(new Tensor(out, data));
    }
}
