package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import java.util.List;

/**
 * A pass that is a pattern and its rewrite: {@link #match} looks at one node and,
 * where the pattern starts there, returns the nodes it covers and the one node that
 * replaces them. The base class finds matches in graph order and applies them one
 * at a time, so that each match sees the graph as the previous rewrite left it.
 */
public abstract class RewritePass implements Pass {
    /**
     * One match, ready to apply.
     *
     * @param matched the nodes the pattern covers; all of them are removed
     * @param last the matched node whose outputs the replacement computes and whose place it takes
     * @param replacements the nodes, in order, that do the work of all of them (usually one; the
     *     last, which computes the value, stands for the matched nodes in reports, the others are added)
     */
    protected record Rewrite(List<Node> matched, Node last, List<Node> replacements) {
        protected Rewrite(List<Node> matched, Node last, Node replacement) {
            this(matched, last, List.of(replacement));
        }
    }

    /**
     * The rewrite of the pattern that starts at {@code node}, or null where it does not match.
     *
     * @param m who reads and produces each value of the current graph
     */
    protected abstract Rewrite match(Node node, Match m);

    @Override
    public final int run(Graph graph) {
        int count = 0;
        for (Rewrite r = next(graph); r != null; r = next(graph)) {
            Match.replace(graph, r.matched(), r.last(), r.replacements());
            count++;
        }
        return count;
    }

    private Rewrite next(Graph graph) {
        Match m = new Match(graph);
        for (Node n : graph.nodes()) {
            Rewrite r = match(n, m);
            if (r != null) {
                return r;
            }
        }
        return null;
    }
}
