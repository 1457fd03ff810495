package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attribute;
import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.Reduce;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Recognises layer normalisation spelled out in primitive ops, as opset-13
 * exports do: {@code d = x - mean(x); y = d / sqrt(mean(d^2) + eps) * gamma + beta}
 * over the trailing axes, and replaces it with one LayerNormalization.
 */
public final class FuseLayerNorm extends RewritePass {
    @Override
    public String name() {
        return "fuse-layernorm";
    }

    @Override
    public String description() {
        return "ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div(/Mul/Add) becomes LayerNormalization";
    }


    @Override
    protected Rewrite match(Node mean, Match m) {
        if (!mean.is("ReduceMean")) {
            return null;
        }
        Value x = mean.input(0);
        int axis = trailingAxis(mean);
        if (axis < 0 || !m.usedOnlyOnce(mean.output())) {
            return null;
        }
        Node sub = m.onlyReader(mean.output(), "Sub");
        if (sub == null || sub.input(0) != x || sub.input(1) != mean.output()) {
            return null;
        }
        Value d = sub.output();
        List<Node> readers = m.readers(d);
        if (readers.size() != 2 || m.isOutput(d)) {
            return null;
        }
        Node square = readers.stream().filter(n -> isSquare(n, d)).findFirst().orElse(null);
        Node div = readers.stream().filter(n -> n.is("Div") && n.input(0) == d).findFirst().orElse(null);
        if (square == null || div == null) {
            return null;
        }
        Node variance = m.onlyReader(square.output(), "ReduceMean");
        if (variance == null || trailingAxis(variance) != axis) {
            return null;
        }
        Node addEps = m.onlyReader(variance.output(), "Add");
        Double eps = addEps == null ? null : Match.scalar(Match.other(addEps, variance.output()));
        if (eps == null) {
            return null;
        }
        Node sqrt = m.onlyReader(addEps.output(), "Sqrt");
        if (sqrt == null || div.input(1) != sqrt.output() || !m.usedOnlyOnce(sqrt.output())) {
            return null;
        }
        TensorType xType = x.type();
        if (!div.output().type().equals(xType)) {
            return null; // epsilon broadcast the result to another shape than x's
        }
        List<Node> matched = new ArrayList<>(List.of(mean, sub, square, variance, addEps, sqrt, div));
        long[] normalized = Arrays.copyOfRange(xType.dims(), axis, xType.rank());
        Node last = div;
        Value gamma = affineOperand(m, last, "Mul", normalized);
        if (gamma != null) {
            last = m.readers(last.output()).get(0);
            matched.add(last);
        }
        Value beta = affineOperand(m, last, "Add", normalized);
        if (beta != null) {
            last = m.readers(last.output()).get(0);
            matched.add(last);
        }
        if (gamma == null) {
            gamma = Value.constant(div.output().name() + "_ones", filled(xType, normalized, 1f));
        }
        Attributes attrs = new Attributes();
        attrs.set(Attribute.of("axis", (long) axis));
        attrs.set(Attribute.of("epsilon", (float) (double) eps));
        List<Value> inputs = beta == null ? List.of(x, gamma) : List.of(x, gamma, beta);
        Node ln = new Node("LayerNormalization", "", mean.name(), 17, attrs, inputs, List.of(last.output()));
        return new Rewrite(matched, last, ln);
    }

    /** The first reduced axis if a ReduceMean reduces exactly the trailing axes and keeps dims; else -1. */
    private static int trailingAxis(Node reduce) {
        if (reduce.input(0).type() == null || reduce.attributes().getInt("keepdims", 1) == 0) {
            return -1;
        }
        Reduce.Params p = Reduce.params(reduce, 18);
        boolean[] r = p.reduced();
        int first = r.length;
        while (first > 0 && r[first - 1]) {
            first--;
        }
        for (int i = 0; i < first; i++) {
            if (r[i]) {
                return -1;
            }
        }
        return first < r.length && !p.identity() ? first : -1;
    }

    private static boolean isSquare(Node n, Value d) {
        return (n.is("Pow") && n.input(0) == d && Match.isScalar(n.input(1), 2.0))
                || (n.is("Mul") && n.input(0) == d && n.input(1) == d);
    }

    /** If the only reader of {@code prev}'s output is {@code op} with a constant of the normalised shape, that constant. */
    private static Value affineOperand(Match m, Node prev, String op, long[] normalized) {
        Node next = m.onlyReader(prev.output(), op);
        if (next == null || !next.output().type().sameShape(prev.output().type())) {
            return null; // absent, or the constant broadcasts to a higher rank
        }
        Value other = Match.other(next, prev.output());
        if (other == null || !other.isConstant() || !Arrays.equals(squeezeLeading(other.type().dims()), squeezeLeading(normalized))) {
            return null;
        }
        return Arrays.equals(other.type().dims(), normalized) ? other
                : Value.constant(other.name(), other.constant().reshaped(normalized));
    }

    private static long[] squeezeLeading(long[] dims) {
        int i = 0;
        while (i < dims.length && dims[i] == 1) {
            i++;
        }
        return Arrays.copyOfRange(dims, i, dims.length);
    }

    private static Tensor filled(TensorType x, long[] dims, float value) {
        Tensor t = Tensor.zeros(x.withDims(dims));
        double[] v = new double[t.size()];
        Arrays.fill(v, value);
        return Tensor.fromDoubles(t.type(), v);
    }
}
