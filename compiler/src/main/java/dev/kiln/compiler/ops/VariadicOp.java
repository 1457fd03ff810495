package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * Min, Max, Sum and Mean (opset 8+): one or more inputs of the same type, combined
 * element-wise with multidirectional broadcasting. Min and Max propagate NaN.
 */
public final class VariadicOp extends OpDef {
    private final Set<ElementType> types;
    private final DoubleBinaryOperator onFloats;
    private final LongBinaryOperator onIntegers;
    private final boolean mean;

    private VariadicOp(String opType, Set<ElementType> types, DoubleBinaryOperator onFloats,
                       LongBinaryOperator onIntegers, boolean mean) {
        super(opType, 8);
        this.types = types;
        this.onFloats = onFloats;
        this.onIntegers = onIntegers;
        this.mean = mean;
    }

    public static VariadicOp min() {
        return new VariadicOp("Min", Types.NUMERIC, Math::min, Math::min, false);
    }

    public static VariadicOp max() {
        return new VariadicOp("Max", Types.NUMERIC, Math::max, Math::max, false);
    }

    /** Sum: float types only, as the spec (and ONNX Runtime) say. */
    public static VariadicOp sum() {
        return new VariadicOp("Sum", Types.FLOATS, Double::sum, null, false);
    }

    /** Mean: the sum divided by the number of inputs (float types only, as the spec says). */
    public static VariadicOp mean() {
        return new VariadicOp("Mean", Types.FLOATS, Double::sum, null, true);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return types;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        if (ctx.inputCount() == 0) {
            throw ctx.error("needs at least one input");
        }
        ElementType t = ctx.expectType(0, types);
        long[][] shapes = new long[ctx.inputCount()][];
        for (int i = 0; i < shapes.length; i++) {
            ctx.expectSameType(0, i);
            shapes[i] = ctx.input(i).dims();
        }
        long[] out = Broadcast.shape(shapes);
        if (out == null) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < shapes.length; i++) {
                all.append(i == 0 ? "" : ", ").append(ctx.input(i).shapeString());
            }
            throw ctx.error("cannot broadcast shapes " + all);
        }
        return List.of(new TensorType(t, out));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        ElementType t = ctx.input(0).elementType();
        if (t == ElementType.UINT64 || (!t.isFloat() && onIntegers == null)) {
            return null;
        }
        long[][] shapes = new long[ctx.inputCount()][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = ctx.input(i).dims();
        }
        long[] out = Broadcast.shape(shapes);
        TensorType outType = new TensorType(t, out);
        int n = outType.intSize();
        double[] d = new double[n];
        long[] l = new long[n];
        for (int k = 0; k < shapes.length; k++) {
            Tensor in = ctx.constant(k);
            long[] strides = Broadcast.strides(shapes[k], out);
            for (int i = 0; i < n; i++) {
                int src = (int) Broadcast.sourceIndex(i, out, strides);
                if (t.isFloat()) {
                    d[i] = k == 0 ? in.getDouble(src) : onFloats.applyAsDouble(d[i], in.getDouble(src));
                } else {
                    l[i] = k == 0 ? in.getLong(src) : onIntegers.applyAsLong(l[i], in.getLong(src));
                }
            }
        }
        if (mean) {
            for (int i = 0; i < n; i++) {
                d[i] /= shapes.length;
            }
        }
        return List.of(t.isFloat() ? Tensor.fromDoubles(outType, d) : Tensor.fromLongs(outType, l));
    }
}
