package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.OpRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes Reshape, Flatten, Squeeze and Unsqueeze nodes whose output has the shape
 * of their input, and collapses a view of a view into one view of the original.
 */
public final class RemoveNoOpReshapes implements Pass {
    private final OpRegistry registry;

    public RemoveNoOpReshapes(OpRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "remove-no-op-reshapes";
    }

    @Override
    public String description() {
        return "drop reshapes to the same shape; read chained reshapes from their source";
    }

    @Override
    public int run(Graph graph) {
        List<Node> removed = new ArrayList<>();
        int rewired = 0;
        for (Node n : graph.nodes()) {
            if (!n.domain().isEmpty() || !registry.get(n).isView(n)) {
                continue;
            }
            if (n.output().type().sameShape(n.input(0).type())) {
                graph.replaceAllUses(n.output(), n.input(0));
                removed.add(n);
                continue;
            }
            Node source = n.input(0).producer();
            if (source != null && source.domain().isEmpty() && registry.get(source).isView(source)
                    && n.is("Reshape")) {
                // Reshape(view(x)) is Reshape(x) to the same final dimensions, spelled out
                // (the original shape input may copy input dimensions with 0).
                n.setInput(0, source.input(0));
                n.setInput(1, Value.constant(n.output().name() + "_shape", Tensor.vector(n.output().type().dims())));
                rewired++;
            }
        }
        graph.removeNodes(removed);
        return removed.size() + rewired;
    }
}
