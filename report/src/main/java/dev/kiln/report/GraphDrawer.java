package dev.kiln.report;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.report.GraphDrawing.StageDrawing;
import dev.kiln.report.GraphDrawing.VertexView;
import dev.kiln.report.GraphSnapshot.Edge;
import dev.kiln.report.GraphSnapshot.Kind;
import dev.kiln.report.GraphSnapshot.Vertex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Turns a graph snapshot into a {@link GraphDrawing}: the text of each vertex, the
 * stages it is cut into, and each stage laid out.
 */
final class GraphDrawer {
    /** The most nodes one stage holds; more would make ELK slow and the picture unreadable. */
    static final int MAX_STAGE_NODES = 300;

    private GraphDrawer() {
    }

    /**
     * The graph after the passes, whose node i is layer i.
     *
     * @param madeFrom for a node a pass made, the ops it replaced (its box's third line)
     */
    static GraphDrawing after(GraphSnapshot graph, Function<Node, String> madeFrom) {
        Map<Node, Integer> layer = new IdentityHashMap<>();
        for (Vertex v : graph.vertices()) {
            if (v.kind() == Kind.NODE) {
                layer.put(v.node(), layer.size());
            }
        }
        return draw(graph, layer::get, n -> null, madeFrom, Map.of(), l -> "");
    }

    /**
     * The imported graph; the nodes that became one layer are framed together.
     *
     * @param layerOfOrigin the layer each imported node became part of, by name
     * @param removedBy the pass that removed each imported node no layer stands for
     */
    static GraphDrawing before(GraphSnapshot graph, List<Layer> layers, Map<String, Integer> layerOfOrigin,
                               Map<String, String> removedBy) {
        Function<Node, Integer> layerOf = n -> layerOfOrigin.get(n.origins().get(0));
        Map<Integer, Integer> groupOf = new HashMap<>();
        for (int i = 0; i < graph.vertices().size(); i++) {
            Node n = graph.vertices().get(i).node();
            Integer layer = n == null ? null : layerOf.apply(n);
            if (layer != null && layers.get(layer).fused().size() > 1) {
                groupOf.put(i, layer);
            }
        }
        Function<Node, String> note = n -> {
            String pass = removedBy.get(n.origins().get(0));
            return pass == null ? null : "removed by " + pass;
        };
        return draw(graph, layerOf, note, n -> null, groupOf,
                l -> "\u2192 " + shortOp(layers.get(l).op()) + " (layer " + l + ")");
    }

    private static GraphDrawing draw(GraphSnapshot graph, Function<Node, Integer> layerOf, Function<Node, String> note,
                                     Function<Node, String> madeFrom, Map<Integer, Integer> groupOf,
                                     IntFunction<String> groupLabel) {
        List<Vertex> vertices = graph.vertices();
        boolean[] reads = new boolean[vertices.size()];
        for (Edge e : graph.edges()) {
            reads[e.to()] = true;
        }
        // Nodes that read only constants (Constant, Identity of a weight) are drawn beside their reader.
        List<Integer> nodeVertices = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < vertices.size(); i++) {
            if (vertices.get(i).kind() == Kind.NODE && reads[i]) {
                nodeVertices.add(i);
                nodes.add(vertices.get(i).node());
            }
        }
        List<Stages.Stage> stages = Stages.split(nodes, MAX_STAGE_NODES);
        int[] stageOf = new int[vertices.size()];
        Arrays.fill(stageOf, -1);
        List<List<Integer>> members = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
            List<Integer> m = new ArrayList<>();
            for (int position : stages.get(s).nodes()) {
                stageOf[nodeVertices.get(position)] = s;
                m.add(nodeVertices.get(position));
            }
            members.add(m);
        }
        placeTheRest(graph, stageOf, members);
        List<VertexView> views = new ArrayList<>();
        for (int i = 0; i < vertices.size(); i++) {
            views.add(view(vertices.get(i), layerOf, note, madeFrom, stageOf[i]));
        }
        List<List<Edge>> edgesOf = new ArrayList<>();
        stages.forEach(s -> edgesOf.add(new ArrayList<>()));
        for (Edge e : graph.edges()) {
            edgesOf.get(stageOf[e.from()]).add(e);
            if (stageOf[e.to()] != stageOf[e.from()]) {
                edgesOf.get(stageOf[e.to()]).add(e);
            }
        }
        StageLayout layout = new StageLayout(views, stageOf, groupOf, groupLabel);
        // Stages are laid out independently, so in parallel; the list keeps their order.
        List<StageDrawing> drawings = IntStream.range(0, stages.size()).parallel()
                .mapToObj(s -> layout.draw(s, stages.get(s).title(), members.get(s), edgesOf.get(s)))
                .toList();
        return new GraphDrawing(views, drawings);
    }

    /**
     * Vertices not yet placed: those that read nothing (graph inputs, constant-only
     * nodes) go to the stage of their first reader, graph outputs to the stage of
     * their writer, anything else where it stands in graph order.
     */
    private static void placeTheRest(GraphSnapshot graph, int[] stageOf, List<List<Integer>> members) {
        List<Vertex> vertices = graph.vertices();
        if (members.isEmpty()) {
            members.add(new ArrayList<>());
        }
        boolean[] unplaced = new boolean[vertices.size()];
        for (int i = 0; i < vertices.size(); i++) {
            unplaced[i] = stageOf[i] < 0;
        }
        List<Edge> edges = graph.edges();
        for (int k = edges.size() - 1; k >= 0; k--) {  // backwards, so the first reader has the last word
            Edge e = edges.get(k);
            if (unplaced[e.from()] && !unplaced[e.to()]) {
                stageOf[e.from()] = stageOf[e.to()];
            }
        }
        for (Edge e : edges) {
            if (unplaced[e.to()] && stageOf[e.from()] >= 0) {
                stageOf[e.to()] = stageOf[e.from()];
            }
        }
        int previous = 0;
        for (int i = 0; i < vertices.size(); i++) {
            if (stageOf[i] < 0) {
                stageOf[i] = previous;
            }
            previous = stageOf[i];
            if (unplaced[i]) {
                members.get(stageOf[i]).add(i);
            }
        }
    }

    private static VertexView view(Vertex v, Function<Node, Integer> layerOf, Function<Node, String> note,
                                   Function<Node, String> madeFrom, int stage) {
        Value shown = v.shown();
        String type = shown == null || shown.type() == null ? "?" : shown.type().toString();
        String dims = shown == null || shown.type() == null ? "?" : dims(shown.type());
        return switch (v.kind()) {
            case INPUT -> new VertexView("input", List.of("input " + v.value().name(), dims), v.value().name(), type,
                    null, null, false, stage);
            case OUTPUT -> new VertexView("output", List.of("output " + v.value().name(), dims), v.value().name(), type,
                    null, null, false, stage);
            case NODE -> {
                Node n = v.node();
                String from = madeFrom.apply(n);
                List<String> lines = n.is("Constant") ? List.of("Constant")
                        : from == null ? List.of(n.opType(), dims) : List.of(n.opType(), dims, "= " + abbreviate(from));
                yield new VertexView("node", lines, n.name(), type, layerOf.apply(n), note.apply(n), from != null,
                        stage);
            }
        };
    }

    /** {@code 1x3x224x224}, or {@code scalar}. */
    private static String dims(TensorType t) {
        if (t.rank() == 0) {
            return "scalar";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < t.rank(); i++) {
            s.append(i == 0 ? "" : "\u00d7").append(t.dim(i));
        }
        return s.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 31) + "\u2026";
    }

    private static String shortOp(String op) {
        return op.substring(op.lastIndexOf('.') + 1);
    }
}
