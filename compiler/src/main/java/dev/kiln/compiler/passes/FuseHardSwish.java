package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import java.util.List;

/**
 * Recognises {@code x * HardSigmoid(x; alpha 1/6, beta 0.5)}, which is how opset
 * 13 exports spell Hardswish, and replaces it with one HardSwish node.
 */
public final class FuseHardSwish extends RewritePass {
    @Override
    public String name() {
        return "fuse-hardswish";
    }

    @Override
    public String description() {
        return "x * HardSigmoid(x, 1/6, 0.5) becomes HardSwish";
    }


    @Override
    protected Rewrite match(Node sigmoid, Match m) {
        if (!sigmoid.is("HardSigmoid")) {
            return null;
        }
        float alpha = sigmoid.attributes().getFloat("alpha", 0.2f);
        float beta = sigmoid.attributes().getFloat("beta", 0.5f);
        if (Math.abs(alpha - 1.0 / 6) > 1e-6 || beta != 0.5f) {
            return null;
        }
        Value x = sigmoid.input(0);
        Node mul = m.onlyReader(sigmoid.output(), "Mul");
        if (mul == null || Match.other(mul, sigmoid.output()) != x) {
            return null;
        }
        Node swish = new Node("HardSwish", "", sigmoid.name(), 14, new Attributes(), List.of(x),
                List.of(mul.output()));
        return new Rewrite(List.of(sigmoid, mul), mul, swish);
    }
}
