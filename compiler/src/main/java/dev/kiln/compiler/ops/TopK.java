package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * TopK (opset 1+; k is an input from 10, largest and sorted from 11): the k
 * largest (or smallest) elements along {@code axis} and their int64 indices.
 * Equal values keep their input order (lower index first). The result is always
 * sorted, which sorted=0 allows.
 */
public final class TopK extends OpDef {
    public TopK() {
        super("TopK", 1);
    }

    /** The input as {@code outer} blocks of {@code extent} x {@code inner} elements, searched along extent. */
    public record Params(int outer, int extent, int inner, int k, boolean largest) {
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.NUMERIC;
    }

    @Override
    public String notes() {
        return "k must be known at compile time; results are always sorted";
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
        int axis = ctx.axis(ctx.attributes().getInt("axis", -1), x.rank());
        long k;
        if (ctx.opset() < 10) {
            k = ctx.attributes().getInt("k", -1);
        } else {
            long[] ks = ctx.requireConstant(1, "k").toLongs();
            if (ks.length != 1) {
                throw ctx.error("input 1 (k) must hold one value, got " + ks.length);
            }
            k = ks[0];
        }
        if (k < 0 || k > x.dim(axis)) {
            throw ctx.error("k = " + k + " is outside [0, " + x.dim(axis) + "] (axis " + axis + " of " + x.shapeString() + ")");
        }
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= x.dim(i);
        }
        long inner = 1;
        for (int i = axis + 1; i < x.rank(); i++) {
            inner *= x.dim(i);
        }
        boolean largest = ctx.attributes().getInt("largest", 1) != 0;
        return new Params((int) outer, (int) x.dim(axis), (int) inner, (int) k, largest);
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.NUMERIC);
        Params p = params(ctx);
        TensorType x = ctx.input(0);
        long[] out = x.dims();
        out[ctx.axis(ctx.attributes().getInt("axis", -1), x.rank())] = p.k();
        return List.of(x.withDims(out), new TensorType(ElementType.INT64, out));
    }
}
