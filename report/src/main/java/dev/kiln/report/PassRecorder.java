package dev.kiln.report;

import dev.kiln.compiler.ir.Attribute;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
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
 * pass changed: which nodes it replaced by which new node, which it removed
 * outright, and which it rewrote in place (new constant inputs or attribute values,
 * as pack-weights does); also which pass removed each imported node that no node
 * stands for.
 */
final class PassRecorder implements BiConsumer<Pass, Graph> {
    /**
     * What one pass changed, e.g. {@code Conv + Relu -> FusedConv} 12 times.
     *
     * @param rewritten nodes kept but changed, by op and what changed, e.g.
     *                  {@code FusedConv (weights; packed_panel)} 17 times
     */
    record Change(String pass, String description, Map<String, Integer> replaced, Map<String, Integer> removed,
                  Map<String, Integer> rewritten) {
    }

    /** What a pass may rewrite in place: a node's constant inputs and its attributes. */
    private record Contents(List<Value> constantInputs, Map<String, Attribute> attributes) {
        static Contents of(Node n) {
            List<Value> constants = new ArrayList<>();
            n.inputs().forEach(v -> constants.add(v != null && v.isConstant() ? v : null));
            Map<String, Attribute> attributes = new LinkedHashMap<>();
            n.attributes().all().forEach(a -> attributes.put(a.name(), a));
            return new Contents(constants, attributes);
        }

        /**
         * What differs in {@code now}, e.g. {@code weights; packed_panel}, or null. Only a constant
         * input replaced by another constant counts as new weights: a node whose input was rewired
         * (remove-identities) or folded into a constant (fold-constants) is not itself rewritten.
         */
        String changesIn(Contents now) {
            boolean weights = false;
            for (int i = 0; i < Math.min(now.constantInputs.size(), constantInputs.size()); i++) {
                Value v = now.constantInputs.get(i);
                weights |= v != null && constantInputs.get(i) != null && v != constantInputs.get(i);
            }
            List<String> changed = new ArrayList<>();
            now.attributes.forEach((name, a) -> {
                Attribute was = attributes.get(name);
                if (was != a && (was == null || !was.valueString().equals(a.valueString()))) {
                    changed.add(name);
                }
            });
            attributes.keySet().stream().filter(name -> !now.attributes.containsKey(name)).forEach(changed::add);
            if (!weights && changed.isEmpty()) {
                return null;
            }
            return (weights ? "weights" + (changed.isEmpty() ? "" : "; ") : "") + String.join(", ", changed);
        }
    }

    private final List<Change> changes = new ArrayList<>();
    private final Map<String, String> removedBy = new HashMap<>();
    private final Map<Node, String> madeFrom = new IdentityHashMap<>();
    /** The nodes before the pass now running, in graph order. */
    private List<Node> current;
    /** What a pass may rewrite in each of them. */
    private Map<Node, Contents> currentContents;

    PassRecorder(Graph imported) {
        current = List.copyOf(imported.nodes());
        currentContents = contents(imported);
    }

    @Override
    public void accept(Pass pass, Graph graph) {
        Set<Node> after = identitySet(graph.nodes());
        List<Node> gone = current.stream().filter(n -> !after.contains(n)).toList();
        List<Node> added = graph.nodes().stream().filter(n -> !currentContents.containsKey(n)).toList();
        // Which new node took over each node that went (by provenance), in graph order. A node
        // a pass made stands for no imported node (the phase Conv of a ConvTranspose); when a
        // later pass replaces it (choose-layout's channels-last twin), the name it keeps tells.
        Map<String, Node> takenOverBy = new HashMap<>();
        Map<String, Node> madeNodeNamed = new HashMap<>();
        for (Node n : added) {
            n.origins().forEach(o -> takenOverBy.put(o, n));
            if (n.origins().isEmpty() && !n.name().isEmpty()) {
                madeNodeNamed.put(n.name(), n);
            }
        }
        Map<Node, List<Node>> replacedNodes = new IdentityHashMap<>();
        Map<String, Integer> removed = new LinkedHashMap<>();
        for (Node n : gone) {
            Node by = !n.origins().isEmpty() ? takenOverBy.get(n.origins().get(0)) : madeNodeNamed.get(n.name());
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
                // A node that takes one made node's place (choose-layout's twin of a FusedConv) is made of what it was.
                String earlier = parts.size() == 1 ? madeFrom.get(parts.get(0)) : null;
                madeFrom.put(n, earlier != null ? earlier : from);
            }
        }
        Map<Node, Contents> now = contents(graph);
        Map<String, Integer> rewritten = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            Contents was = currentContents.get(n);
            String what = was == null ? null : was.changesIn(now.get(n));
            if (what != null) {
                rewritten.merge(n.opType() + " (" + what + ")", 1, Integer::sum);
            }
        }
        changes.add(new Change(pass.name(), pass.description(), replaced, removed, rewritten));
        current = List.copyOf(graph.nodes());
        currentContents = now;
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

    private static Map<Node, Contents> contents(Graph graph) {
        Map<Node, Contents> m = new IdentityHashMap<>();
        graph.nodes().forEach(n -> m.put(n, Contents.of(n)));
        return m;
    }

    private static Set<Node> identitySet(List<Node> nodes) {
        Set<Node> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(nodes);
        return s;
    }
}
