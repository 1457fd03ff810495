package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import java.util.List;

/**
 * Recognises {@code x * HardSigmoid(x; alpha 1/6, beta 0.5)}, which is how opset
 * 13 exports spell Hardswish, and replaces it with one HardSwish node.
 */
public final class FuseHardSwish implements Pass {
    @Override
    public String name() {
        return "fuse-hardswish";
    }

    @Override
    public String description() {
        return "x * HardSigmoid(x, 1/6, 0.5) becomes HardSwish";
    }

    @Override
    public int run(Graph graph) {
        int count = 0;
        while (fuseOne(graph)) {
            count++;
        }
        return count;
    }

    private static boolean fuseOne(Graph graph) {
        Match m = new Match(graph);
        for (Node sigmoid : graph.nodes()) {
            if (!sigmoid.is("HardSigmoid")) {
                continue;
            }
            float alpha = sigmoid.attributes().getFloat("alpha", 0.2f);
            float beta = sigmoid.attributes().getFloat("beta", 0.5f);
            if (Math.abs(alpha - 1.0 / 6) > 1e-6 || beta != 0.5f) {
                continue;
            }
            Value x = sigmoid.input(0);
            Node mul = m.onlyReader(sigmoid.output(), "Mul");
            if (mul == null || Match.other(mul, sigmoid.output()) != x) {
                continue;
            }
            Node swish = new Node("HardSwish", "", sigmoid.name(), 14, new Attributes(), List.of(x),
                    List.of(mul.output()));
            Match.replace(graph, List.of(sigmoid, mul), mul, swish);
            return true;
        }
        return false;
    }
}
