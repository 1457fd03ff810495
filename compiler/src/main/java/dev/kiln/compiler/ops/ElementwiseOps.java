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

        r.add(new UnaryOp("Sqrt", 6, Types.FLOATS).folding(Math::sqrt));
        r.add(new UnaryOp("Erf", 9, Types.NUMERIC).folding(KilnMath::erf));
        r.add(new UnaryOp("Relu", 6, Types.SIGNED_NUMERIC).folding(x -> Math.max(x, 0)));
        r.add(new UnaryOp("Sigmoid", 6, Types.FLOATS));
        r.add(new UnaryOp("Tanh", 6, Types.FLOATS));
        r.add(new UnaryOp("HardSigmoid", 6, Types.FLOATS).attribute("alpha", 0.2f).attribute("beta", 0.5f));
        r.add(new UnaryOp("HardSwish", 14, Types.FLOATS));
        r.add(new UnaryOp("LeakyRelu", 6, Types.FLOATS).attribute("alpha", 0.01f));
        r.add(new UnaryOp("Gelu", 20, Types.FLOATS));

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
