package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/** Cast (opset 6+): converts element type {@code to}, as a C cast would (saturate applies to float8 only). */
public final class Cast extends OpDef {
    public Cast() {
        super("Cast", 6);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public String notes() {
        return "8-, 4- and 2-bit types are not supported";
    }

    /** The target element type of a Cast node. */
    public static ElementType target(InferContext ctx) {
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
        return List.of(ctx.input(0).withElementType(target(ctx)));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor x = ctx.constant(0);
        TensorType out = x.type().withElementType(target(ctx));
        if (x.elementType() == ElementType.STRING || out.elementType() == ElementType.STRING
                || x.elementType() == ElementType.UINT64 || out.elementType() == ElementType.UINT64) {
            return null; // left to the kernel, which knows the string and unsigned 64-bit rules
        }
        if (x.elementType().isFloat() && !out.elementType().isFloat() && out.elementType() != ElementType.BOOL) {
            return null; // float to integer out of range is implementation-defined; let the kernel decide once
        }
        return List.of(x.elementType().isFloat()
                ? Tensor.fromDoubles(out, x.toDoubles())
                : Tensor.fromLongs(out, x.toLongs()));
    }
}
