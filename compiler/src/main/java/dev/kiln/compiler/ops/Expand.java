package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Expand (opset 8+): broadcasts the input against the shape in input 1, both ways, as
 * numpy does; a 1 in the shape keeps the input's dimension, so the output may be larger
 * than the shape asked for but never smaller than the input.
 */
public final class Expand extends OpDef {
    public Expand() {
        super("Expand", 8);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public boolean isStaticInput(Node node, int index) {
        return index == 1;
    }

    /** The output dimensions of this node. */
    public static long[] outputDims(Node node) {
        return outputDims(new InferContext(node));
    }

    static long[] outputDims(InferContext ctx) {
        TensorType x = ctx.input(0);
        long[] shape = ctx.requireConstant(1, "shape").toLongs();
        long[] out = Broadcast.shape(x.dims(), shape);
        if (out == null) {
            throw ctx.error("cannot broadcast " + x.shapeString() + " to shape " + TensorType.formatDims(shape));
        }
        return out;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.ALL);
        ctx.expectType(1, Set.of(ElementType.INT64));
        return List.of(ctx.input(0).withDims(outputDims(ctx)));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor x = ctx.constant(0);
        long[] out = outputDims(ctx);
        TensorType type = x.type().withDims(out);
        long[] read = Broadcast.strides(x.type().dims(), out);
        Object data = type.elementType().storage().newArray(type.intSize());
        for (int i = 0; i < type.intSize(); i++) {
            System.arraycopy(x.data(), (int) Broadcast.sourceIndex(i, out, read), data, i, 1);
        }
        return List.of(new Tensor(type, data));
    }
}
