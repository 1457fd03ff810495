package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Range (opset 11+): start, start + delta, ... up to but excluding limit, from three
 * scalar inputs. Its inputs decide the output's length, so they are read at compile
 * time and the node always folds.
 */
public final class Range extends OpDef {
    private static final Set<ElementType> TYPES = EnumSet.of(ElementType.FLOAT, ElementType.DOUBLE,
            ElementType.FLOAT16, ElementType.BFLOAT16, ElementType.INT16, ElementType.INT32, ElementType.INT64);

    public Range() {
        super("Range", 11);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return TYPES;
    }

    @Override
    public String notes() {
        return "start, limit and delta must be constants; always folded";
    }

    @Override
    public boolean isStaticInput(Node node, int index) {
        return true;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, TYPES);
        ctx.expectSameType(0, 1);
        ctx.expectSameType(0, 2);
        return List.of(new TensorType(t, count(ctx)));
    }

    /** max(ceil((limit - start) / delta), 0), in integers for integer types. */
    private static long count(InferContext ctx) {
        Tensor start = scalar(ctx, 0, "start");
        Tensor limit = scalar(ctx, 1, "limit");
        Tensor delta = scalar(ctx, 2, "delta");
        if (start.elementType().isFloat()) {
            double d = delta.getDouble(0);
            if (d == 0 || Double.isNaN(d)) {
                throw ctx.error("delta must not be zero or NaN, got " + d);
            }
            double n = Math.ceil((limit.getDouble(0) - start.getDouble(0)) / d);
            if (Double.isNaN(n) || n > Integer.MAX_VALUE) {
                throw ctx.error("range from " + start.getDouble(0) + " to " + limit.getDouble(0) + " by " + d
                        + " has too many elements");
            }
            return (long) Math.max(n, 0);
        }
        long d = delta.getLong(0);
        if (d == 0) {
            throw ctx.error("delta must not be zero");
        }
        long span = limit.getLong(0) - start.getLong(0);
        long n = Math.floorDiv(span, d) + (Math.floorMod(span, d) != 0 ? 1 : 0);
        return Math.max(n, 0);
    }

    private static Tensor scalar(InferContext ctx, int i, String what) {
        Tensor t = ctx.requireConstant(i, what);
        if (t.size() != 1) {
            throw ctx.error(what + " must be a scalar, got " + t.type());
        }
        return t;
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        TensorType type = infer(ctx).get(0);
        Tensor start = ctx.constant(0);
        Tensor delta = ctx.constant(2);
        int n = type.intSize();
        if (type.elementType().isFloat()) {
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = start.getDouble(0) + i * delta.getDouble(0);
            }
            return List.of(Tensor.fromDoubles(type, values));
        }
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = start.getLong(0) + i * delta.getLong(0);
        }
        return List.of(Tensor.fromLongs(type, values));
    }
}
