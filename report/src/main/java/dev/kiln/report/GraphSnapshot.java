package dev.kiln.report;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The structure of a graph at one moment, kept while the passes rewrite it: its
 * vertices (graph inputs, nodes in order, graph outputs) and the values flowing
 * between them. Constants are not vertices. Values are kept by reference, so their
 * types are read when the report is drawn, after shape inference has set them.
 */
final class GraphSnapshot {
    enum Kind { INPUT, NODE, OUTPUT }

    /** A graph input, a node or a graph output. */
    record Vertex(Kind kind, Node node, Value value) {
        /** The value this vertex writes (for an output: the value it shows). */
        Value shown() {
            return node != null ? node.output() : value;
        }
    }

    /** {@code value} flows from vertex {@code from} to vertex {@code to}. */
    record Edge(int from, int to, Value value) {
    }

    private final List<Vertex> vertices = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();

    private GraphSnapshot() {
    }

    static GraphSnapshot of(Graph graph) {
        GraphSnapshot s = new GraphSnapshot();
        Map<Value, Integer> writer = new IdentityHashMap<>();
        for (Value in : graph.inputs()) {
            writer.put(in, s.vertices.size());
            s.vertices.add(new Vertex(Kind.INPUT, null, in));
        }
        for (Node n : graph.nodes()) {
            int id = s.vertices.size();
            s.vertices.add(new Vertex(Kind.NODE, n, null));
            s.connect(n.inputs(), id, writer);
            for (Value out : n.outputs()) {
                if (out != null) {
                    writer.put(out, id);
                }
            }
        }
        for (Value out : graph.outputs()) {
            int id = s.vertices.size();
            s.vertices.add(new Vertex(Kind.OUTPUT, null, out));
            s.connect(List.of(out), id, writer);
        }
        return s;
    }

    private void connect(List<Value> inputs, int to, Map<Value, Integer> writer) {
        List<Value> seen = new ArrayList<>();
        for (Value v : inputs) {
            Integer from = v == null ? null : writer.get(v);
            if (from != null && seen.stream().noneMatch(x -> x == v)) {
                seen.add(v);
                edges.add(new Edge(from, to, v));
            }
        }
    }

    List<Vertex> vertices() {
        return vertices;
    }

    List<Edge> edges() {
        return edges;
    }
}
