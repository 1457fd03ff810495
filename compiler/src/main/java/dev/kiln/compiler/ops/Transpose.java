package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/** Transpose (opset 1+): permutes axes; perm defaults to reversing them. */
public final class Transpose extends OpDef {
    public Transpose() {
        super("Transpose", 1);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    /** The permutation: output axis i is input axis perm[i]. */
    public static int[] perm(Node node) {
        return perm(new InferContext(node));
    }

    static int[] perm(InferContext ctx) {
        int rank = ctx.input(0).rank();
        long[] p = ctx.attributes().getInts("perm", null);
        int[] perm = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = p == null ? rank - 1 - i : (int) p[i];
            if (p != null && (p.length != rank || perm[i] < 0 || perm[i] >= rank || seen[perm[i]])) {
                throw ctx.error("perm " + java.util.Arrays.toString(p) + " is not a permutation of " + rank + " axes");
            }
            seen[perm[i]] = true;
        }
        return perm;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.ALL);
        TensorType x = ctx.input(0);
        int[] perm = perm(ctx);
        long[] out = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = x.dim(perm[i]);
        }
        return List.of(x.withDims(out));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        return List.of(permute(ctx.constant(0), perm(ctx)));
    }

    /** {@code x} with its axes in the order {@code perm} (output axis i is input axis perm[i]). */
    public static Tensor permute(Tensor x, int[] perm) {
        long[] dims = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            dims[i] = x.type().dim(perm[i]);
        }
        TensorType out = x.type().withDims(dims);
        long[] inStrides = x.type().strides();
        long[] outDims = out.dims();
        long[] srcStride = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            srcStride[i] = inStrides[perm[i]];
        }
        Object data = out.elementType().storage().newArray(out.intSize());
        for (int i = 0; i < out.intSize(); i++) {
            long src = Broadcast.sourceIndex(i, outDims, srcStride);
            System.arraycopy(x.data(), (int) src, data, i, 1);
        }
        return new Tensor(out, data);
    }
}
