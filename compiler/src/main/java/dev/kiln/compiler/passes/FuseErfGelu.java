package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import java.util.List;

/**
 * Recognises exact GELU as exporters spell it, {@code 0.5 * x * (1 + erf(x / sqrt 2))}
 * (Div by sqrt 2 or Mul by 1/sqrt 2; the 0.5 applied last or to x first), and
 * replaces it with one Gelu node.
 */
public final class FuseErfGelu extends RewritePass {
    private static final double SQRT2 = Math.sqrt(2);

    @Override
    public String name() {
        return "fuse-erf-gelu";
    }

    @Override
    public String description() {
        return "x/sqrt2 -> Erf -> +1 -> *x -> *0.5 becomes Gelu";
    }


    @Override
    protected Rewrite match(Node erf, Match m) {
        if (!erf.is("Erf")) {
            return null;
        }
        Node scale = erf.input(0).producer();
        Value x = scaledInput(scale);
        if (x == null || !m.usedOnlyOnce(erf.input(0))) {
            return null;
        }
        Node plusOne = m.onlyReader(erf.output(), "Add");
        if (plusOne == null || !Match.isScalar(Match.other(plusOne, erf.output()), 1.0)) {
            return null;
        }
        Node times = m.onlyReader(plusOne.output(), "Mul");
        if (times == null) {
            return null;
        }
        Value factor = Match.other(times, plusOne.output());
        Node half;
        List<Node> matched;
        if (factor == x) {
            // (x * (1 + erf)) * 0.5
            half = m.onlyReader(times.output(), "Mul");
            if (half == null || !Match.isScalar(Match.other(half, times.output()), 0.5)) {
                return null;
            }
            matched = List.of(scale, erf, plusOne, times, half);
        } else {
            // (x * 0.5) * (1 + erf)
            Node xHalf = Match.producer(factor, "Mul");
            if (xHalf == null || Match.other(xHalf, x) == null || !Match.isScalar(Match.other(xHalf, x), 0.5)
                    || !m.usedOnlyOnce(factor)) {
                return null;
            }
            half = times;
            matched = List.of(scale, erf, plusOne, xHalf, times);
        }
        if (!half.output().type().equals(x.type())) {
            return null; // a constant broadcast the result to another shape than Gelu(x) has
        }
        Node gelu = new Node("Gelu", "", erf.name().isEmpty() ? "" : erf.name() + "_gelu", 20, new Attributes(),
                List.of(x), List.of(half.output()));
        return new Rewrite(matched, half, gelu);
    }

    /** For x / sqrt(2) or x * (1/sqrt 2), returns x; otherwise null. */
    private static Value scaledInput(Node scale) {
        if (scale == null) {
            return null;
        }
        if (scale.is("Div") && Match.isScalar(scale.input(1), SQRT2)) {
            return scale.input(0);
        }
        if (scale.is("Mul")) {
            if (Match.isScalar(scale.input(1), 1 / SQRT2)) {
                return scale.input(0);
            }
            if (Match.isScalar(scale.input(0), 1 / SQRT2)) {
                return scale.input(1);
            }
        }
        return null;
    }
}
