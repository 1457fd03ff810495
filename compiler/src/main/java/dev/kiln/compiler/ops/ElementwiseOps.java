package dev.kiln.compiler.ops;

import dev.kiln.runtime.KilnMath;

/** Element-wise arithmetic, comparison, logic, casts, math functions and activations. */
final class ElementwiseOps {
    private ElementwiseOps() {
    }

    static void register(OpRegistry r) {
        r.add(new BinaryOp("Add", 7, Types.NUMERIC, BinaryOp.Result.SAME_AS_INPUT, Double::sum, Long::sum));
        r.add(new BinaryOp("Sub", 7, Types.NUMERIC, BinaryOp.Result.SAME_AS_INPUT, (a, b) -> a - b, (a, b) -> a - b));
        r.add(new BinaryOp("Mul", 7, Types.NUMERIC, BinaryOp.Result.SAME_AS_INPUT, (a, b) -> a * b, (a, b) -> a * b));
        r.add(new BinaryOp("Div", 7, Types.NUMERIC, BinaryOp.Result.SAME_AS_INPUT, (a, b) -> a / b,
                (a, b) -> b == 0 ? 0 : a / b));
        r.add(BinaryOp.pow());
        r.add(new Mod());

        r.add(new UnaryOp("Sqrt", 6, Types.FLOATS).folding(Math::sqrt));
        r.add(new UnaryOp("Erf", 9, Types.NUMERIC).folding(KilnMath::erf));
        r.add(new UnaryOp("Relu", 6, Types.SIGNED_NUMERIC).folding(x -> Math.max(x, 0))
                .foldingSignedIntegers(x -> Math.max(x, 0)).integersSince(14));
        r.add(new UnaryOp("Sigmoid", 6, Types.FLOATS));
        r.add(new UnaryOp("Tanh", 6, Types.FLOATS));
        r.add(new UnaryOp("HardSigmoid", 6, Types.FLOATS).attribute("alpha", 0.2f).attribute("beta", 0.5f));
        r.add(new UnaryOp("HardSwish", 14, Types.FLOATS));
        r.add(new UnaryOp("LeakyRelu", 6, Types.FLOATS).attribute("alpha", 0.01f));
        r.add(new UnaryOp("Gelu", 20, Types.FLOATS));

        // Unary math functions and activations (minOpset: the first version without the
        // legacy consumed_inputs attribute, whose semantics are unchanged since).
        r.add(new UnaryOp("Abs", 6, Types.NUMERIC).folding(Math::abs).foldingSignedIntegers(Math::abs));
        r.add(new UnaryOp("Neg", 6, Types.SIGNED_NUMERIC).folding(x -> -x).foldingSignedIntegers(x -> -x));
        r.add(new UnaryOp("Ceil", 6, Types.FLOATS).folding(Math::ceil));
        r.add(new UnaryOp("Floor", 6, Types.FLOATS).folding(Math::floor));
        r.add(new UnaryOp("Round", 11, Types.FLOATS).folding(Math::rint));
        r.add(new UnaryOp("Exp", 6, Types.FLOATS).folding(Math::exp));
        r.add(new UnaryOp("Log", 6, Types.FLOATS).folding(Math::log));
        r.add(new UnaryOp("Reciprocal", 6, Types.FLOATS).folding(x -> 1 / x));
        r.add(new UnaryOp("Not", 1, Types.BOOL));
        r.add(new UnaryOp("Elu", 6, Types.FLOATS).attribute("alpha", 1f));
        r.add(new UnaryOp("Selu", 6, Types.FLOATS)
                .attribute("alpha", 1.67326319217681884765625f).attribute("gamma", 1.05070102214813232421875f));
        r.add(new UnaryOp("Softplus", 1, Types.FLOATS));
        r.add(new UnaryOp("Mish", 18, Types.FLOATS));
        r.add(new UnaryOp("ThresholdedRelu", 10, Types.FLOATS).attribute("alpha", 1f));
        r.add(new PRelu());

        // Comparison, logic, variadic, selection and casts (the ops-binary family).
        r.add(BinaryOp.predicate("Equal", 7, Types.ALL, (a, b) -> a.doubleValue() == b.doubleValue(), Long::equals));
        r.add(BinaryOp.predicate("Less", 7, Types.NUMERIC, (a, b) -> a < b, (a, b) -> a < b));
        r.add(BinaryOp.predicate("Greater", 7, Types.NUMERIC, (a, b) -> a > b, (a, b) -> a > b));
        r.add(BinaryOp.predicate("LessOrEqual", 12, Types.NUMERIC, (a, b) -> a <= b, (a, b) -> a <= b));
        r.add(BinaryOp.predicate("GreaterOrEqual", 12, Types.NUMERIC, (a, b) -> a >= b, (a, b) -> a >= b));
        r.add(BinaryOp.predicate("And", 7, Types.BOOL, (a, b) -> a != 0 && b != 0, (a, b) -> a != 0 && b != 0));
        r.add(BinaryOp.predicate("Or", 7, Types.BOOL, (a, b) -> a != 0 || b != 0, (a, b) -> a != 0 || b != 0));
        r.add(BinaryOp.predicate("Xor", 7, Types.BOOL, (a, b) -> (a != 0) != (b != 0), (a, b) -> (a != 0) != (b != 0)));
        r.add(VariadicOp.min());
        r.add(VariadicOp.max());
        r.add(VariadicOp.sum());
        r.add(VariadicOp.mean());
        r.add(new Where());
        r.add(new Clip());
        r.add(Cast.cast());
        r.add(Cast.castLike());
    }
}
