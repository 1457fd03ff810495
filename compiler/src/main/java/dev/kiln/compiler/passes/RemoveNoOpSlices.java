package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Slice;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes Slices that keep their whole input, such as the crop
 * {@code x[:N, :C, :H, :W]} that LowFormer's attention ends with at even sizes.
 */
public final class RemoveNoOpSlices implements Pass {
    @Override
    public String name() {
        return "remove-no-op-slices";
    }

    @Override
    public String description() {
        return "drop Slices that select their whole input";
    }

    @Override
    public int run(Graph graph) {
        List<Node> removed = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (n.is("Slice") && Slice.params(n).isIdentity(n.input(0).type().dims())) {
                graph.replaceAllUses(n.output(), n.input(0));
                removed.add(n);
            }
        }
        graph.removeNodes(removed);
        return removed.size();
    }
}
