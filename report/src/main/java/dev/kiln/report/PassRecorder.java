package dev.kiln.report;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.passes.Pass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Watches the pass pipeline (as its after-each-pass callback) and records what each
 * pass changed: which nodes it replaced by which new node, and which it removed
 * outright; also which pass removed each imported node that no node stands for.
 */
final class PassRecorder implements BiConsumer<Pass, Graph> {
    /** What one pass changed, e.g. {@code Conv + Relu -> FusedConv} 12 times. */
    record Change(String pass, String description, Map<String, Integer> replaced, Map<String, Integer> removed) {
    }

    private final List<Change> changes = new ArrayList<>();
    private final Map<String, String> removedBy = new HashMap<>();
    private final Map<Node, String> madeFrom = new IdentityHashMap<>();
    /** The nodes before the pass now running, in graph order. */
    private List<Node> current;

    PassRecorder(Graph imported) {
        current = List.copyOf(imported.nodes());
    }

    @Override
    public void accept(Pass pass, Graph graph) {
        Set<Node> before = identitySet(current);
        Set<Node> after = identitySet(graph.nodes());
        List<Node> gone = current.stream().filter(n -> !after.contains(n)).toList();
        List<Node> added = graph.nodes().stream().filter(n -> !before.contains(n)).toList();
        // Which new node took over each node that went (by provenance), in graph order.
        Map<String, Node> takenOverBy = new HashMap<>();
        for (Node n : added) {
            n.origins().forEach(o -> takenOverBy.put(o, n));
        }
        Map<Node, List<Node>> replacedNodes = new IdentityHashMap<>();
        Map<String, Integer> removed = new LinkedHashMap<>();
        for (Node n : gone) {
            // A node that an earlier pass added (a phase Conv) stands for no imported node: counted as removed.
            Node by = n.origins().isEmpty() ? null : takenOverBy.get(n.origins().get(0));
            if (by != null) {
                replacedNodes.computeIfAbsent(by, k -> new ArrayList<>()).add(n);
            } else {
                removed.merge(n.opType(), 1, Integer::sum);
                n.origins().forEach(o -> removedBy.put(o, pass.name()));
            }
        }
        Map<String, Integer> replaced = new LinkedHashMap<>();
        for (Node n : added) {
            List<Node> parts = replacedNodes.getOrDefault(n, List.of());
            String from = String.join(" + ", parts.stream().map(Node::opType).toList());
            replaced.merge(from + " \u2192 " + n.opType(), 1, Integer::sum);
            if (!parts.isEmpty()) {
                madeFrom.put(n, from);
            }
        }
        changes.add(new Change(pass.name(), pass.description(), replaced, removed));
        current = List.copyOf(graph.nodes());
    }

    List<Change> changes() {
        return changes;
    }

    /** The pass that removed each imported node (by origin name) without a node taking its place. */
    Map<String, String> removedBy() {
        return removedBy;
    }

    /** For a node a pass made, the ops of the nodes it replaced, e.g. {@code Conv + Gelu}; else null. */
    String madeFrom(Node n) {
        return madeFrom.get(n);
    }

    private static Set<Node> identitySet(List<Node> nodes) {
        Set<Node> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(nodes);
        return s;
    }
}
