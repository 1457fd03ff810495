package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Tile (opset 6+): repeats the input {@code repeats[d]} times along each axis d (repeats is input 1). */
public final class Tile extends OpDef {
    public Tile() {
        super("Tile", 6);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public boolean isStaticInput(Node node, int index) {
        return index == 1;
    }

    /** How often the input repeats along each axis. */
    public static long[] repeats(Node node) {
        return repeats(new InferContext(node));
    }

    static long[] repeats(InferContext ctx) {
        TensorType x = ctx.input(0);
        long[] repeats = ctx.requireConstant(1, "repeats").toLongs();
        if (repeats.length != x.rank()) {
            throw ctx.error("repeats " + Arrays.toString(repeats) + " must have one entry per axis of "
                    + x.shapeString());
        }
        for (long r : repeats) {
            if (r < 0) {
                throw ctx.error("repeats " + Arrays.toString(repeats) + " has a negative entry");
            }
        }
        return repeats;
    }

    /**
     * The output seen as 2·rank axes (repeat 0, input axis 0, repeat 1, input axis 1, ...):
     * walked in this order it is written in order, and the input is read with stride 0
     * along the repeat axes.
     */
    public static long[] interleavedDims(long[] inDims, long[] repeats) {
        long[] dims = new long[2 * inDims.length];
        for (int d = 0; d < inDims.length; d++) {
            dims[2 * d] = repeats[d];
            dims[2 * d + 1] = inDims[d];
        }
        return dims;
    }

    /** The input's strides along {@link #interleavedDims}. */
    public static long[] interleavedInputStrides(long[] inDims) {
        long[] own = new TensorType(ElementType.FLOAT, inDims).strides();
        long[] s = new long[2 * inDims.length];
        for (int d = 0; d < inDims.length; d++) {
            s[2 * d + 1] = own[d];
        }
        return s;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.ALL);
        ctx.expectType(1, Set.of(ElementType.INT64));
        TensorType x = ctx.input(0);
        long[] repeats = repeats(ctx);
        long[] out = x.dims();
        for (int d = 0; d < out.length; d++) {
            out[d] = Math.multiplyExact(out[d], repeats[d]);
        }
        return List.of(x.withDims(out));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor x = ctx.constant(0);
        TensorType type = infer(ctx).get(0);
        long[] inDims = x.type().dims();
        long[] dims = interleavedDims(inDims, repeats(ctx));
        long[] read = interleavedInputStrides(inDims);
        Object data = type.elementType().storage().newArray(type.intSize());
        for (int i = 0; i < type.intSize(); i++) {
            System.arraycopy(x.data(), (int) Broadcast.sourceIndex(i, dims, read), data, i, 1);
        }
        return List.of(new Tensor(type, data));
    }
}
