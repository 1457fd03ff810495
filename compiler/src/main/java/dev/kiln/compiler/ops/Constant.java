package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.Attribute;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/** Constant (opset 1+): a tensor given as one of value, value_float(s), value_int(s), value_string(s). Always folded. */
public final class Constant extends OpDef {
    public Constant() {
        super("Constant", 1);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public String notes() {
        return "sparse_value is not supported";
    }

    private static Tensor value(InferContext ctx) {
        var attrs = ctx.attributes();
        if (attrs.all().size() != 1) {
            throw ctx.error("exactly one value attribute is required, got " + attrs.all().size());
        }
        Attribute a = attrs.all().iterator().next();
        return switch (a.name()) {
            case "value" -> attrs.getTensor("value");
            case "value_float" -> Tensor.scalar(attrs.getFloat("value_float", 0));
            case "value_floats" -> {
                float[] v = attrs.getFloats("value_floats", null);
                yield Tensor.ofFloats(new long[] {v.length}, v);
            }
            case "value_int" -> Tensor.ofLongs(new long[0], attrs.getInt("value_int"));
            case "value_ints" -> Tensor.vector(attrs.getInts("value_ints", null));
            case "value_string" -> new Tensor(new TensorType(ElementType.STRING),
                    new String[] {attrs.getString("value_string", "")});
            case "value_strings" -> {
                String[] v = attrs.getStrings("value_strings", List.of()).toArray(new String[0]);
                yield new Tensor(new TensorType(ElementType.STRING, v.length), v);
            }
            default -> throw ctx.error("attribute '" + a.name() + "' is not supported");
        };
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        return List.of(value(ctx).type());
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        return List.of(value(ctx));
    }
}
