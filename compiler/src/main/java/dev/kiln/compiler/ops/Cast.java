package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Cast (opset 6+) and CastLike (opset 15+): converts to element type {@code to}, or to the
 * type of CastLike's second input (whose data is not read). Conversions are those of a C
 * cast: floats truncate toward zero, integers wrap, 16-bit floats round to nearest even;
 * strings parse and print numbers. {@code saturate} applies to float8 only, which Kiln
 * does not support.
 */
public final class Cast extends OpDef {
    private Cast(String opType, int minOpset) {
        super(opType, minOpset);
    }

    public static Cast cast() {
        return new Cast("Cast", 6);
    }

    public static Cast castLike() {
        return new Cast("CastLike", 15);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public String notes() {
        return "8-, 4- and 2-bit types are not supported";
    }

    /** The target element type of a Cast or CastLike node. */
    public static ElementType target(InferContext ctx) {
        if (ctx.node().is("CastLike")) {
            return ctx.expectType(1, Types.ALL);
        }
        long code = ctx.attributes().getInt("to");
        ElementType t = ElementType.fromCode((int) code);
        if (t == null || !t.isSupported()) {
            throw ctx.error("casting to " + (t == null ? "data type " + code : t.onnxName()) + " is not supported");
        }
        return t;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.ALL);
        ElementType to = target(ctx);
        ElementType from = ctx.input(0).elementType();
        if ((from == ElementType.STRING && to == ElementType.BOOL) || (from == ElementType.BOOL && to == ElementType.STRING)) {
            throw ctx.error("casting between string and bool is not supported");
        }
        return List.of(ctx.input(0).withElementType(to));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor x = ctx.constant(0);
        TensorType out = x.type().withElementType(target(ctx));
        if (x.elementType() == ElementType.STRING || out.elementType() == ElementType.STRING
                || x.elementType() == ElementType.UINT64 || out.elementType() == ElementType.UINT64) {
            return null; // left to the kernel, which knows the string and unsigned 64-bit rules
        }
        if (x.elementType().isFloat() && out.elementType().isInteger() && !inRange(x, out.elementType())) {
            return null; // float to integer out of range is implementation-defined; let the kernel decide once
        }
        return List.of(x.elementType().isFloat()
                ? Tensor.fromDoubles(out, x.toDoubles())
                : Tensor.fromLongs(out, x.toLongs()));
    }

    /** Whether every value of float tensor {@code x} truncates to a value of integer type {@code t}. */
    private static boolean inRange(Tensor x, ElementType t) {
        int bits = t.storage().bytes() * 8;
        double min = t.isUnsigned() ? 0 : -Math.pow(2, bits - 1);
        double limit = t.isUnsigned() ? Math.pow(2, bits) : Math.pow(2, bits - 1);
        for (int i = 0; i < x.size(); i++) {
            double v = x.getDouble(i);
            if (!(v > min - 1 && v < limit)) {
                return false; // NaN fails both comparisons
            }
        }
        return true;
    }
}
