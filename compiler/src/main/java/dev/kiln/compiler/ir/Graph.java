package dev.kiln.compiler.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A model's computation: graph inputs, nodes in an order where every value is
 * computed before it is read, and graph outputs. Constants are values with data;
 * they appear only as node inputs.
 */
public final class Graph {
    private final List<Value> inputs = new ArrayList<>();
    private final List<Value> outputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();

    public List<Value> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<Value> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    public void addInput(Value v) {
        inputs.add(v);
    }

    public void removeInput(Value v) {
        inputs.remove(v);
    }

    public void addOutput(Value v) {
        outputs.add(v);
    }

    public void setOutput(int i, Value v) {
        outputs.set(i, v);
    }

    /** Appends a node; call {@link #sortTopologically()} if it reads values computed later. */
    public void addNode(Node n) {
        nodes.add(n);
    }

    /** Inserts a node just before {@code anchor}. */
    public void addNodeBefore(Node anchor, Node n) {
        int i = nodes.indexOf(anchor);
        nodes.add(i < 0 ? nodes.size() : i, n);
    }

    public void removeNode(Node n) {
        nodes.remove(n);
    }

    public void removeNodes(java.util.Collection<Node> gone) {
        Map<Node, Boolean> set = new IdentityHashMap<>();
        for (Node n : gone) {
            set.put(n, Boolean.TRUE);
        }
        nodes.removeIf(set::containsKey);
    }

    /** Every node that reads {@code v}, in graph order. */
    public List<Node> consumers(Value v) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.inputs().contains(v)) {
                out.add(n);
            }
        }
        return out;
    }

    /** A map from each value to the nodes that read it. */
    public Map<Value, List<Node>> consumerMap() {
        Map<Value, List<Node>> map = new IdentityHashMap<>();
        for (Node n : nodes) {
            for (Value v : n.inputs()) {
                if (v != null) {
                    List<Node> list = map.computeIfAbsent(v, k -> new ArrayList<>());
                    if (list.isEmpty() || list.get(list.size() - 1) != n) {
                        list.add(n);
                    }
                }
            }
        }
        return map;
    }

    public boolean isOutput(Value v) {
        return outputs.contains(v);
    }

    /** Makes every reader of {@code old} (nodes and graph outputs) read {@code replacement}. */
    public void replaceAllUses(Value old, Value replacement) {
        for (Node n : nodes) {
            for (int i = 0; i < n.inputCount(); i++) {
                if (n.input(i) == old) {
                    n.setInput(i, replacement);
                }
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i) == old) {
                outputs.set(i, replacement);
            }
        }
    }

    /** Removes nodes none of whose outputs is read or is a graph output. */
    public int removeDeadNodes() {
        int removed = 0;
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<Value, List<Node>> readers = consumerMap();
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node n = nodes.get(i);
                boolean live = false;
                for (Value v : n.outputs()) {
                    if (v != null && (readers.containsKey(v) || outputs.contains(v))) {
                        live = true;
                        break;
                    }
                }
                if (!live) {
                    nodes.remove(i);
                    removed++;
                    changed = true;
                }
            }
        }
        return removed;
    }

    /**
     * Reorders nodes so that producers come before readers, keeping the current
     * order wherever it is already valid (so the result is deterministic).
     */
    public void sortTopologically() {
        Map<Node, Integer> position = new IdentityHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            position.put(nodes.get(i), i);
        }
        Map<Node, Integer> waiting = new IdentityHashMap<>();
        Map<Node, List<Node>> dependents = new IdentityHashMap<>();
        for (Node n : nodes) {
            int count = 0;
            for (Value v : n.inputs()) {
                Node p = v == null ? null : v.producer();
                if (p != null && position.containsKey(p) && p != n) {
                    dependents.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
                    count++;
                }
            }
            waiting.put(n, count);
        }
        PriorityQueue<Node> ready = new PriorityQueue<>((a, b) -> position.get(a) - position.get(b));
        for (Node n : nodes) {
            if (waiting.get(n) == 0) {
                ready.add(n);
            }
        }
        List<Node> sorted = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            sorted.add(n);
            for (Node d : dependents.getOrDefault(n, List.of())) {
                if (waiting.merge(d, -1, Integer::sum) == 0) {
                    ready.add(d);
                }
            }
        }
        if (sorted.size() != nodes.size()) {
            throw new IllegalStateException("graph has a cycle");
        }
        nodes.clear();
        nodes.addAll(sorted);
    }

    /** Counts nodes per op type ("Conv", "dev.kiln.FusedConv"), in order of first appearance. */
    public Map<String, Integer> opHistogram() {
        Map<String, Integer> h = new LinkedHashMap<>();
        for (Node n : nodes) {
            h.merge(n.qualifiedOpType(), 1, Integer::sum);
        }
        return h;
    }

    /** Gives every value a unique name (a model may reuse or omit names), for listings. */
    public Map<Value, String> uniqueNames() {
        Map<Value, String> names = new IdentityHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        java.util.function.Consumer<Value> name = v -> {
            if (v == null || names.containsKey(v)) {
                return;
            }
            String base = v.name().isEmpty() ? "v" : v.name();
            int k = seen.merge(base, 1, Integer::sum);
            names.put(v, k == 1 ? base : base + "#" + k);
        };
        inputs.forEach(name);
        for (Node n : nodes) {
            n.inputs().forEach(name);
            n.outputs().forEach(name);
        }
        return names;
    }
}
