package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.Value;
import java.util.List;
import java.util.Map;

/**
 * Helpers for recognising a pattern of nodes: who produces and who reads a value,
 * and what a constant operand holds. A snapshot of one graph state: rebuild it
 * after each rewrite.
 */
public final class Match {
    private final Graph graph;
    private final Map<Value, List<Node>> readers;

    Match(Graph graph) {
        this.graph = graph;
        this.readers = graph.consumerMap();
    }

    /** The node of ONNX op {@code opType} that computes {@code v}, or null. */
    static Node producer(Value v, String opType) {
        Node p = v == null ? null : v.producer();
        return p != null && p.is(opType) ? p : null;
    }

    /** The nodes that read {@code v}. */
    List<Node> readers(Value v) {
        return readers.getOrDefault(v, List.of());
    }

    /** Whether {@code v} is one of the graph's outputs. */
    boolean isOutput(Value v) {
        return graph.isOutput(v);
    }

    /** Whether {@code v} is read by exactly one node and is not a graph output, so a fusion may hide it. */
    boolean usedOnlyOnce(Value v) {
        return readers(v).size() == 1 && !graph.isOutput(v) && countUses(readers(v).get(0), v) == 1;
    }

    /** The only reader of {@code v} if it is of ONNX op {@code opType} and nothing else reads v, else null. */
    Node onlyReader(Value v, String opType) {
        if (!usedOnlyOnce(v)) {
            return null;
        }
        Node n = readers(v).get(0);
        return n.is(opType) ? n : null;
    }

    private static int countUses(Node n, Value v) {
        int c = 0;
        for (Value in : n.inputs()) {
            if (in == v) {
                c++;
            }
        }
        return c;
    }

    /** The value of a one-element constant, or null. */
    static Double scalar(Value v) {
        if (v == null || !v.isConstant()) {
            return null;
        }
        Tensor t = v.constant();
        return t.size() == 1 && t.elementType().isFloat() ? t.getDouble(0) : null;
    }

    /** Whether {@code v} is a one-element constant within a relative 1e-4 of {@code expected}. */
    static boolean isScalar(Value v, double expected) {
        Double s = scalar(v);
        return s != null && Math.abs(s - expected) <= 1e-4 * Math.max(1, Math.abs(expected));
    }

    /** For a two-input node that reads {@code known}, its other input; null if it does not read it. */
    static Value other(Node n, Value known) {
        if (n.input(0) == known) {
            return n.input(1);
        }
        if (n.input(1) == known) {
            return n.input(0);
        }
        return null;
    }

    /**
     * Replaces the nodes {@code matched} (in dataflow order, ending with {@code last}) with
     * {@code replacements}, which take over the value computed by {@code last} and its
     * place. The last of them, which computes that value, stands for the imported nodes the
     * matched ones stood for; any before it (the phase Conv before its interleave) are added
     * by the pass.
     */
    static void replace(Graph graph, List<Node> matched, Node last, List<Node> replacements) {
        for (int i = 0; i < replacements.size(); i++) {
            Node replacement = replacements.get(i);
            if (i == replacements.size() - 1) {
                replacement.replaces(matched);
            } else {
                replacement.addedByAPass();
            }
            graph.addNodeBefore(last, replacement);
        }
        graph.removeNodes(matched);
    }
}
