package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Mod (opset 10+): the broadcasting remainder {@code a mod b}. With {@code fmod=0} (the
 * default, integers only) the result takes the sign of the divisor, as Python's {@code %};
 * with {@code fmod=1} it takes the sign of the dividend, as C's {@code fmod}. Floating-point
 * inputs require {@code fmod=1}. Folded on constants (exporters compute window shifts with it).
 */
public final class Mod extends OpDef {
    public Mod() {
        super("Mod", 10);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.NUMERIC;
    }

    @Override
    public String notes() {
        return "float types need fmod=1, as the spec says";
    }

    /** Whether this node computes C's fmod (sign of the dividend) rather than the integer mod. */
    public static boolean fmod(Node node) {
        return node.attributes().getInt("fmod", 0) != 0;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, Types.NUMERIC);
        ctx.expectSameType(0, 1);
        long fmod = ctx.attributes().getInt("fmod", 0);
        if (fmod != 0 && fmod != 1) {
            throw ctx.error("attribute fmod must be 0 or 1, got " + fmod);
        }
        if (t.isFloat() && fmod == 0) {
            throw ctx.error("input type " + t.onnxName() + " is floating point, which requires attribute fmod=1");
        }
        long[] out = Broadcast.shape(ctx.input(0).dims(), ctx.input(1).dims());
        if (out == null) {
            throw ctx.error("cannot broadcast shapes " + ctx.input(0).shapeString() + " and "
                    + ctx.input(1).shapeString());
        }
        return List.of(new TensorType(t, out));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor a = ctx.constant(0);
        Tensor b = ctx.constant(1);
        ElementType t = a.elementType();
        boolean fmod = fmod(ctx.node());
        long[] out = Broadcast.shape(a.type().dims(), b.type().dims());
        long[] sa = Broadcast.strides(a.type().dims(), out);
        long[] sb = Broadcast.strides(b.type().dims(), out);
        TensorType outType = new TensorType(t, out);
        int n = outType.intSize();
        if (t.isFloat()) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                // Java's % on doubles is C's fmod, and exact, so rounding back to t loses nothing.
                v[i] = a.getDouble((int) Broadcast.sourceIndex(i, out, sa))
                        % b.getDouble((int) Broadcast.sourceIndex(i, out, sb));
            }
            return List.of(Tensor.fromDoubles(outType, v));
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            long x = a.getLong((int) Broadcast.sourceIndex(i, out, sa));
            long y = b.getLong((int) Broadcast.sourceIndex(i, out, sb));
            if (y == 0) {
                throw ctx.error("integer division by zero in a constant input");
            }
            // Unsigned values below 2^63 are non-negative longs, where both modes agree.
            v[i] = t == ElementType.UINT64 ? Long.remainderUnsigned(x, y) : fmod ? x % y : Math.floorMod(x, y);
        }
        return List.of(Tensor.fromLongs(outType, v));
    }
}
