package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * Element-wise ops with one input and an output of the same type and shape:
 * math functions (Sqrt, Erf...) and activations (Relu, HardSwish...), with their
 * float attributes (HardSigmoid's alpha and beta...) and the spec's defaults.
 */
public final class UnaryOp extends OpDef {
    private final Set<ElementType> types;
    private final Map<String, Float> attributeDefaults = new LinkedHashMap<>();
    private DoubleUnaryOperator fold;
    private LongUnaryOperator foldSignedIntegers;
    private int integersSince;

    public UnaryOp(String opType, int minOpset, Set<ElementType> types) {
        super(opType, minOpset);
        this.types = types;
    }

    /** Declares a float attribute and its default value. */
    public UnaryOp attribute(String name, float defaultValue) {
        attributeDefaults.put(name, defaultValue);
        return this;
    }

    /** Lets the op be folded on constant float input with {@code f}. */
    public UnaryOp folding(DoubleUnaryOperator f) {
        this.fold = f;
        return this;
    }

    /**
     * Lets the op be folded on constant signed-integer input with {@code f} (shape
     * chains compute in int64: Neg, Abs...). Unsigned and bool constants are not folded.
     */
    public UnaryOp foldingSignedIntegers(LongUnaryOperator f) {
        this.foldSignedIntegers = f;
        return this;
    }

    /** Integer inputs are accepted only from this opset on (Relu: 14); floats from the op's minimum. */
    public UnaryOp integersSince(int opset) {
        this.integersSince = opset;
        return this;
    }

    /** The value of float attribute {@code name} on {@code node}, or its default. */
    public float attribute(Node node, String name) {
        Float def = attributeDefaults.get(name);
        if (def == null) {
            throw new IllegalArgumentException(opType() + " has no attribute " + name);
        }
        return node.attributes().getFloat(name, def);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return types;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, types);
        if (t.isInteger() && ctx.opset() < integersSince) {
            throw ctx.error("input 0 has element type " + t.onnxName() + ", which " + opType()
                    + " accepts only from opset " + integersSince);
        }
        for (String name : attributeDefaults.keySet()) {
            attribute(ctx.node(), name); // checks the kind
        }
        return List.of(ctx.input(0));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor x = ctx.constant(0);
        if (foldSignedIntegers != null && Types.SIGNED_INTS.contains(x.elementType())) {
            long[] v = x.toLongs();
            for (int i = 0; i < v.length; i++) {
                v[i] = foldSignedIntegers.applyAsLong(v[i]);
            }
            return List.of(Tensor.fromLongs(x.type(), v));
        }
        if (fold == null || !x.elementType().isFloat()) {
            return null;
        }
        double[] v = x.toDoubles();
        for (int i = 0; i < v.length; i++) {
            v[i] = fold.applyAsDouble(v[i]);
        }
        return List.of(Tensor.fromDoubles(x.type(), v));
    }
}
