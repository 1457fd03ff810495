package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * The broadcasting element-wise ops with two inputs: arithmetic (Add, Sub, Mul,
 * Div, Pow...), comparisons (Equal, Less...) and logic (And, Or, Xor).
 * Comparisons and logic produce bool; Equal also compares strings (opset 19).
 */
public final class BinaryOp extends OpDef {
    /** What the output's element type is. */
    public enum Result { SAME_AS_INPUT, BOOL }

    private final Set<ElementType> types;
    private final Result result;
    private final boolean sameInputTypes;
    private final DoubleBinaryOperator onFloats;
    private final LongBinaryOperator onIntegers;

    /**
     * @param onFloats the op on float values, for folding (null: no folding)
     * @param onIntegers the op on integer and bool values (bool as 0/1), for folding (null: none)
     */
    public BinaryOp(String opType, int minOpset, Set<ElementType> types, Result result,
                    DoubleBinaryOperator onFloats, LongBinaryOperator onIntegers) {
        this(opType, minOpset, types, result, true, onFloats, onIntegers);
    }

    private BinaryOp(String opType, int minOpset, Set<ElementType> types, Result result, boolean sameInputTypes,
                     DoubleBinaryOperator onFloats, LongBinaryOperator onIntegers) {
        super(opType, minOpset);
        this.types = types;
        this.result = result;
        this.sameInputTypes = sameInputTypes;
        this.onFloats = onFloats;
        this.onIntegers = onIntegers;
    }

    /** Pow: its exponent may have another numeric type than its base. */
    public static BinaryOp pow() {
        return new BinaryOp("Pow", 7, Types.NUMERIC, Result.SAME_AS_INPUT, false, Math::pow,
                (a, b) -> (long) Math.pow(a, b));
    }

    /** A comparison or logic op: bool output, folding on 0/1 results. */
    public static BinaryOp predicate(String opType, int minOpset, Set<ElementType> types,
                                     BiPredicate<Double, Double> onFloats,
                                     BiPredicate<Long, Long> onIntegers) {
        return new BinaryOp(opType, minOpset, types, Result.BOOL, true,
                (a, b) -> onFloats.test(a, b) ? 1 : 0, (a, b) -> onIntegers.test(a, b) ? 1 : 0);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return types;
    }

    public Result result() {
        return result;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, types);
        if (sameInputTypes) {
            ctx.expectSameType(0, 1);
        } else {
            ctx.expectType(1, types);
        }
        long[] out = Broadcast.shape(ctx.input(0).dims(), ctx.input(1).dims());
        if (out == null) {
            throw ctx.error("cannot broadcast shapes " + ctx.input(0).shapeString() + " and "
                    + ctx.input(1).shapeString());
        }
        return List.of(new TensorType(result == Result.BOOL ? ElementType.BOOL : t, out));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor a = ctx.constant(0);
        Tensor b = ctx.constant(1);
        ElementType t = a.elementType();
        boolean floating = t.isFloat() || b.elementType().isFloat();
        if ((floating ? onFloats : onIntegers) == null || t == ElementType.UINT64 || t == ElementType.STRING) {
            return null;
        }
        long[] out = Broadcast.shape(a.type().dims(), b.type().dims());
        long[] sa = Broadcast.strides(a.type().dims(), out);
        long[] sb = Broadcast.strides(b.type().dims(), out);
        TensorType outType = new TensorType(result == Result.BOOL ? ElementType.BOOL : t, out);
        int n = outType.intSize();
        if (floating) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = onFloats.applyAsDouble(a.getDouble((int) Broadcast.sourceIndex(i, out, sa)),
                        b.getDouble((int) Broadcast.sourceIndex(i, out, sb)));
            }
            return List.of(Tensor.fromDoubles(outType, v));
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = onIntegers.applyAsLong(a.getLong((int) Broadcast.sourceIndex(i, out, sa)),
                    b.getLong((int) Broadcast.sourceIndex(i, out, sb)));
        }
        return List.of(Tensor.fromLongs(outType, v));
    }
}
