package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/** Shape (opset 1+; start and end from 15): the input's dimensions as int64. Always folded. */
public final class Shape extends OpDef {
    public Shape() {
        super("Shape", 1);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public boolean foldsFromTypes() {
        return true;
    }

    private static long[] selected(InferContext ctx) {
        long[] dims = ctx.input(0).dims();
        int r = dims.length;
        long start = ctx.attributes().getInt("start", 0);
        long end = ctx.attributes().getInt("end", r);
        int s = (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
        int e = (int) Math.max(0, Math.min(r, end < 0 ? end + r : end));
        return java.util.Arrays.copyOfRange(dims, s, Math.max(s, e));
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        return List.of(new TensorType(ElementType.INT64, selected(ctx).length));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        return List.of(Tensor.vector(selected(ctx)));
    }
}
