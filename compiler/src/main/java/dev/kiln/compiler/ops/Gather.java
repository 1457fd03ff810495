package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Gather (opset 1+): picks entries of data along {@code axis} by index (negative
 * indices count from the end). Output shape: data[:axis] + indices + data[axis+1:].
 */
public final class Gather extends OpDef {
    public Gather() {
        super("Gather", 1);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    public static int axis(Node node) {
        InferContext ctx = new InferContext(node);
        return ctx.axis(ctx.attributes().getInt("axis", 0), ctx.input(0).rank());
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        TensorType data = ctx.input(0);
        ctx.expectType(1, Types.INDEX);
        TensorType indices = ctx.input(1);
        int axis = ctx.axis(ctx.attributes().getInt("axis", 0), data.rank());
        long[] out = new long[data.rank() - 1 + indices.rank()];
        int o = 0;
        for (int d = 0; d < axis; d++) {
            out[o++] = data.dim(d);
        }
        for (int d = 0; d < indices.rank(); d++) {
            out[o++] = indices.dim(d);
        }
        for (int d = axis + 1; d < data.rank(); d++) {
            out[o++] = data.dim(d);
        }
        Tensor constantIndices = ctx.constant(1);
        if (constantIndices != null) {
            for (long i : constantIndices.toLongs()) {
                if (i < -data.dim(axis) || i >= data.dim(axis)) {
                    throw ctx.error("index " + i + " is out of range for axis " + axis + " of " + data.shapeString());
                }
            }
        }
        return List.of(data.withDims(out));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor data = ctx.constant(0);
        long[] indices = ctx.constant(1).toLongs();
        TensorType out = infer(ctx).get(0);
        int axis = ctx.axis(ctx.attributes().getInt("axis", 0), data.type().rank());
        long extent = data.type().dim(axis);
        long inner = 1;
        for (int d = axis + 1; d < data.type().rank(); d++) {
            inner *= data.type().dim(d);
        }
        long outer = data.size() / Math.max(1, extent * inner);
        Object result = out.elementType().storage().newArray(out.intSize());
        int o = 0;
        for (long b = 0; b < outer; b++) {
            for (long index : indices) {
                long src = (b * extent + (index < 0 ? index + extent : index)) * inner;
                System.arraycopy(data.data(), (int) src, result, o, (int) inner);
                o += (int) inner;
            }
        }
        return List.of(new Tensor(out, result));
    }
}
