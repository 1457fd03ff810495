package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attribute;
import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.Attention;
import dev.kiln.compiler.ops.Slice;
import dev.kiln.compiler.ops.Softmax;
import dev.kiln.compiler.ops.Split;
import dev.kiln.compiler.ops.Transpose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Recognises LowFormer's attention as PyTorch exports it (opsets 13 and 17, once
 * constants are folded) and replaces it with one {@code dev.kiln.Attention}:
 *
 * <pre>
 * X [N, nh*3d, h, w]
 *   Reshape [N, nh, 3d, h*w], Transpose (0, 1, 3, 2) to [N, nh, L, 3d]
 *   Q, K, V: three Slices of d along the last axis (or one Split)
 *   MatMul(Q, Transpose(K, (0, 1, 3, 2))), then Div by a constant c (or Mul by c, or neither)
 *   Softmax over the last axis, MatMul(., V) [N, nh, L, d]
 *   Transpose (0, 1, 3, 2) [N, nh, d, L], Reshape [N, nh*d, h, w] (absent where it is a no-op)
 * </pre>
 *
 * The pattern is matched by shapes and ops, never by names. It is fused only when
 * every intermediate value is read by the pattern alone and is not a graph output;
 * a mask added to the scores, a softmax along another axis or reshapes that do not
 * map channels to heads this way leave the graph as it is.
 */
public final class FuseAttention extends RewritePass {
    /** The permutation that swaps the last two axes of a rank-4 tensor. */
    private static final int[] SWAP_LAST_TWO = {0, 1, 3, 2};

    @Override
    public String name() {
        return "fuse-attention";
    }

    @Override
    public String description() {
        return "Reshape/Transpose/Slice/MatMul/scale/Softmax/MatMul/Transpose/Reshape (LowFormer's attention)"
                + " becomes dev.kiln.Attention";
    }

    /** A scaling of the scores: the node, the scores it reads, and what it multiplies them by. */
    private record Scaling(Node node, Value scores, double factor) {
    }

    @Override
    protected Rewrite match(Node softmax, Match m) {
        if (!softmax.is("Softmax") || softmax.output().type().rank() != 4) {
            return null;
        }
        List<Node> matched = new ArrayList<>(List.of(softmax));
        // Backwards from the softmax: the (scaled) scores Q K^T.
        Value scores = softmax.input(0);
        double scale = 1;
        Scaling scaling = scaling(scores.producer());
        if (scaling != null) {
            if (!m.usedOnlyOnce(scores) || !scaling.scores().type().sameShape(scores.type())) {
                return null;
            }
            matched.add(scaling.node());
            scores = scaling.scores();
            scale = scaling.factor();
        }
        Node product = Match.producer(scores, "MatMul");
        if (product == null || !m.usedOnlyOnce(scores)) {
            return null;
        }
        Node keysTransposed = Match.producer(product.input(1), "Transpose");
        if (!swapsLastTwo(keysTransposed) || !m.usedOnlyOnce(keysTransposed.output())) {
            return null;
        }
        Node cut = product.input(0).producer();
        Node tokensFirst = cut == null ? null : Match.producer(cut.input(0), "Transpose");
        if (!swapsLastTwo(tokensFirst)) {
            return null;
        }
        Value[] qkv = thirds(tokensFirst.output(), m, matched);
        if (qkv == null || qkv[0] != product.input(0) || qkv[1] != keysTransposed.input(0)) {
            return null;
        }
        Node heads = Match.producer(tokensFirst.input(0), "Reshape");
        if (heads == null || !m.usedOnlyOnce(heads.output())) {
            return null;
        }
        // Forwards from the softmax: weights times V, back to image form.
        Node weighted = m.onlyReader(softmax.output(), "MatMul");
        if (weighted == null || weighted.input(0) != softmax.output() || weighted.input(1) != qkv[2]) {
            return null;
        }
        Node channelsFirst = m.onlyReader(weighted.output(), "Transpose");
        if (!swapsLastTwo(channelsFirst)) {
            return null;
        }
        // remove-no-op-reshapes drops the last Reshape where it changes nothing (one head, d = 1, h = 1).
        Node reshape = m.onlyReader(channelsFirst.output(), "Reshape");
        Node image = reshape != null ? reshape : channelsFirst;
        // The shapes: channels of X grouped into heads of Q, K, V; tokens are X's positions.
        Value x = heads.input(0);
        long[] xd = x.type().dims();
        long[] grouped = heads.output().type().dims();
        if (x.type().elementType() != ElementType.FLOAT || xd.length != 4 || grouped.length != 4
                || grouped[0] != xd[0] || grouped[1] * grouped[2] != xd[1] || grouped[3] != xd[2] * xd[3]
                || grouped[2] % 3 != 0) {
            return null;
        }
        long d = grouped[2] / 3;
        Softmax.Params rows = Softmax.params(softmax);
        if (rows.inner() != 1 || rows.extent() != grouped[3]
                || !Arrays.equals(image.output().type().dims(), new long[] {xd[0], grouped[1] * d, xd[2], xd[3]})) {
            return null;
        }
        for (Value part : qkv) {
            if (!m.usedOnlyOnce(part)) {
                return null;
            }
        }
        if (!m.usedOnlyOnce(softmax.output()) || !m.usedOnlyOnce(weighted.output())) {
            return null;
        }
        matched.addAll(List.of(heads, tokensFirst, keysTransposed, product, weighted, channelsFirst));
        if (reshape != null) {
            matched.add(reshape);
        }
        Attributes attributes = new Attributes()
                .set(Attribute.of("heads", grouped[1]))
                .set(Attribute.of("head_dim", d))
                .set(Attribute.of("scale", (float) scale))
                .set(Attribute.of("channels_last", 0L));
        Node attention = new Node(Attention.OP_TYPE, Node.KILN_DOMAIN, softmax.name(), 1, attributes, List.of(x),
                List.of(image.output()));
        return new Rewrite(matched, image, attention);
    }

    /** Div(s, c), Mul(s, c) or Mul(c, s) with c a one-element constant: s and 1/c or c; else null. */
    private static Scaling scaling(Node n) {
        if (n == null) {
            return null;
        }
        if (n.is("Div")) {
            Double c = Match.scalar(n.input(1));
            return c == null || c == 0 ? null : new Scaling(n, n.input(0), 1 / c);
        }
        if (n.is("Mul")) {
            Double c = Match.scalar(n.input(1));
            if (c != null) {
                return new Scaling(n, n.input(0), c);
            }
            c = Match.scalar(n.input(0));
            return c == null ? null : new Scaling(n, n.input(1), c);
        }
        return null;
    }

    private static boolean swapsLastTwo(Node transpose) {
        return transpose != null && transpose.output().type().rank() == 4
                && Arrays.equals(Transpose.perm(transpose), SWAP_LAST_TWO);
    }

    /**
     * Q, K and V: {@code qkv} [.., 3d] cut along its last axis into three parts of d,
     * by exactly three Slices (opsets 13 and 17 as PyTorch exports {@code chunk}) or by
     * one Split, which must be its only readers. Adds them to {@code matched}; null
     * when {@code qkv} is not cut that way.
     */
    private static Value[] thirds(Value qkv, Match m, List<Node> matched) {
        long[] dims = qkv.type().dims();
        int last = dims.length - 1;
        List<Node> readers = m.readers(qkv);
        if (m.isOutput(qkv) || dims[last] < 3 || dims[last] % 3 != 0) {
            return null;
        }
        long d = dims[last] / 3;
        if (readers.size() == 1 && readers.get(0).is("Split")) {
            Node split = readers.get(0);
            Split.Params p = Split.params(split);
            if (split.outputs().size() != 3 || split.outputs().contains(null) || p.axis() != last
                    || !Arrays.equals(p.sizes(), new long[] {d, d, d})) {
                return null;
            }
            matched.add(split);
            return split.outputs().toArray(Value[]::new);
        }
        if (readers.size() != 3) {
            return null;
        }
        Value[] parts = new Value[3];
        for (Node slice : readers) {
            if (!slice.is("Slice") || slice.input(0) != qkv) {
                return null;
            }
            Slice.Params p = Slice.params(slice);
            long[] kept = dims.clone();
            kept[last] = d;
            long[] step = new long[dims.length];
            Arrays.fill(step, 1);
            long start = p.start()[last];
            boolean onlyLastAxis = Arrays.stream(p.start()).limit(last).allMatch(s -> s == 0);
            if (!onlyLastAxis || !Arrays.equals(p.step(), step) || !Arrays.equals(p.outDims(), kept)
                    || start % d != 0 || parts[(int) (start / d)] != null) {
                return null;
            }
            parts[(int) (start / d)] = slice.output();
        }
        matched.addAll(readers);
        return parts;
    }
}
