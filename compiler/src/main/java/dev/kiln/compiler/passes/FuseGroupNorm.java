package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attribute;
import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.Normalization;
import java.util.ArrayList;
import java.util.List;

/**
 * Recognises GroupNorm as PyTorch exports it: Reshape x to [N, G, -1],
 * InstanceNormalization, Reshape back to x's shape, then optionally Mul by gamma
 * and Add beta per channel. Replaces it with one GroupNormalization (opset-21
 * semantics: per-channel scale and bias), folding the InstanceNormalization's own
 * per-group scale and bias into them.
 */
public final class FuseGroupNorm extends RewritePass {
    @Override
    public String name() {
        return "fuse-groupnorm";
    }

    @Override
    public String description() {
        return "Reshape/InstanceNormalization/Reshape(/Mul/Add) becomes GroupNormalization";
    }


    @Override
    protected Rewrite match(Node norm, Match m) {
        if (!norm.is("InstanceNormalization") || !norm.input(1).isConstant() || !norm.input(2).isConstant()) {
            return null;
        }
        Node grouping = Match.producer(norm.input(0), "Reshape");
        if (grouping == null || !m.usedOnlyOnce(grouping.output())) {
            return null;
        }
        Value x = grouping.input(0);
        TensorType xt = x.type();
        TensorType gt = grouping.output().type();
        if (xt.rank() < 3 || gt.rank() != 3 || gt.dim(0) != xt.dim(0) || xt.dim(1) % gt.dim(1) != 0) {
            return null;
        }
        int groups = gt.intDim(1);
        int channels = xt.intDim(1);
        Node ungrouping = m.onlyReader(norm.output(), "Reshape");
        if (ungrouping == null || !ungrouping.output().type().sameShape(xt)) {
            return null;
        }
        List<Node> matched = new ArrayList<>(List.of(grouping, norm, ungrouping));
        float[] scale = new float[channels];
        float[] bias = new float[channels];
        Tensor groupScale = norm.input(1).constant();
        Tensor groupBias = norm.input(2).constant();
        for (int c = 0; c < channels; c++) {
            int g = c / (channels / groups);
            scale[c] = (float) groupScale.getDouble(g);
            bias[c] = (float) groupBias.getDouble(g);
        }
        Node last = ungrouping;
        float[] gamma = perChannel(m, last, "Mul", channels);
        if (gamma != null) {
            last = m.readers(last.output()).get(0);
            matched.add(last);
            for (int c = 0; c < channels; c++) {
                scale[c] *= gamma[c];
                bias[c] *= gamma[c];
            }
        }
        float[] beta = perChannel(m, last, "Add", channels);
        if (beta != null) {
            last = m.readers(last.output()).get(0);
            matched.add(last);
            for (int c = 0; c < channels; c++) {
                bias[c] += beta[c];
            }
        }
        Attributes attrs = new Attributes();
        attrs.set(Attribute.of("num_groups", (long) groups));
        attrs.set(Attribute.of("epsilon", Normalization.epsilon(norm)));
        String base = norm.output().name();
        long[] c = {channels};
        Node gn = new Node("GroupNormalization", "", norm.name(), 21, attrs, List.of(x,
                Value.constant(base + "_scale", Tensor.fromDoubles(xt.withDims(c), toDoubles(scale))),
                Value.constant(base + "_bias", Tensor.fromDoubles(xt.withDims(c), toDoubles(bias)))),
                List.of(last.output()));
        return new Rewrite(matched, last, gn);
    }

    /** If the only reader of {@code prev}'s output applies {@code op} with a per-channel constant ([C,1,...]), its values. */
    private static float[] perChannel(Match m, Node prev, String op, int channels) {
        Node next = m.onlyReader(prev.output(), op);
        if (next == null || (op.equals("Mul") || op.equals("Add")) && Match.other(next, prev.output()) == null) {
            return null;
        }
        Value other = Match.other(next, prev.output());
        if (!other.isConstant() || other.constant().size() != channels || !other.type().elementType().isFloat()) {
            return null;
        }
        long[] dims = other.type().dims();
        int rankOut = prev.output().type().rank();
        // The constant must vary along the channel axis (axis 1 of the output) only.
        if (dims.length < rankOut - 1 || dims.length > rankOut) {
            return null;
        }
        int channelAxis = dims.length - (rankOut - 1);
        for (int i = 0; i < dims.length; i++) {
            if (i != channelAxis && dims[i] != 1) {
                return null;
            }
        }
        float[] v = new float[channels];
        for (int i = 0; i < channels; i++) {
            v[i] = (float) other.constant().getDouble(i);
        }
        return v;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
