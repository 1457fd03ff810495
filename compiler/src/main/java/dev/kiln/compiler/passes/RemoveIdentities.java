package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Removes nodes that pass their input through unchanged: Identity, Dropout (the
 * Dropout op accepts only inference or a ratio of 0; its mask becomes a constant of
 * all true), and Cast to the type the value already has. Readers read the input directly.
 */
public final class RemoveIdentities implements Pass {
    @Override
    public String name() {
        return "remove-identities";
    }

    @Override
    public String description() {
        return "drop Identity, inference Dropout and Casts to the same type";
    }

    @Override
    public int run(Graph graph) {
        List<Node> removed = new ArrayList<>();
        for (Node n : graph.nodes()) {
            boolean passThrough = n.is("Identity") || n.is("Dropout")
                    || (n.is("Cast") && n.input(0).type().elementType() == n.output().type().elementType());
            if (!passThrough) {
                continue;
            }
            if (n.is("Dropout") && n.output(1) != null) {
                Value mask = n.output(1);
                boolean[] ones = new boolean[mask.type().intSize()];
                Arrays.fill(ones, true);
                mask.setConstant(new Tensor(mask.type().withElementType(ElementType.BOOL), ones));
            }
            graph.replaceAllUses(n.output(), n.input(0));
            removed.add(n);
        }
        graph.removeNodes(removed);
        return removed.size();
    }
}
