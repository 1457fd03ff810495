package dev.kiln.report;

import dev.kiln.report.GraphDrawing.Box;
import dev.kiln.report.GraphDrawing.Group;
import dev.kiln.report.GraphDrawing.StageDrawing;
import dev.kiln.report.GraphDrawing.Stub;
import dev.kiln.report.GraphDrawing.VertexView;
import dev.kiln.report.GraphSnapshot.Edge;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.HierarchyHandling;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Lays out one stage with Eclipse ELK's layered algorithm, top to bottom: the
 * stage's vertices, a frame around each group of vertices that became one layer,
 * and a stub for each value that crosses the stage's border.
 */
final class StageLayout {
    /** Pixels per character of the page's 11px monospace text, and the line height. */
    static final double CHAR_WIDTH = 6.7;
    static final int LINE_HEIGHT = 13;
    private static final int PADDING = 7;
    private static final int GROUP_LABEL_HEIGHT = 16;

    private final List<VertexView> views;
    private final int[] stageOf;
    private final Map<Integer, Integer> groupOf;
    private final IntFunction<String> groupLabel;

    /**
     * @param stageOf the stage of each vertex
     * @param groupOf the group (a layer index) of vertices framed together
     * @param groupLabel the label of a group's frame
     */
    StageLayout(List<VertexView> views, int[] stageOf, Map<Integer, Integer> groupOf, IntFunction<String> groupLabel) {
        this.views = views;
        this.stageOf = stageOf;
        this.groupOf = groupOf;
        this.groupLabel = groupLabel;
    }

    /**
     * @param members the stage's vertices
     * @param edges every edge with at least one end in the stage
     */
    StageDrawing draw(int stage, String title, List<Integer> members, List<Edge> edges) {
        ElkNode root = ElkGraphUtil.createGraph();
        configure(root);
        Map<Integer, ElkNode> frames = frames(root, members);
        Map<Integer, ElkNode> boxes = new LinkedHashMap<>();
        for (int v : members) {
            Integer g = groupOf.get(v);
            ElkNode box = ElkGraphUtil.createNode(g != null && frames.containsKey(g) ? frames.get(g) : root);
            List<String> lines = views.get(v).lines();
            box.setDimensions(width(lines), lines.size() * LINE_HEIGHT + 2 * PADDING - 4);
            boxes.put(v, box);
        }
        Map<ElkNode, StubEnd> stubs = connect(root, stage, edges, boxes);
        if (!frames.isEmpty()) {
            root.setProperty(CoreOptions.HIERARCHY_HANDLING, HierarchyHandling.INCLUDE_CHILDREN);
        }
        new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());
        return result(title, members, root, boxes, frames, stubs);
    }

    /** What a stub stands for: the vertex at the value's other end, in another stage. */
    private record StubEnd(int v, String label, boolean incoming) {
    }

    /** A frame (an ELK node holding its members) for each group of two or more members. */
    private Map<Integer, ElkNode> frames(ElkNode root, List<Integer> members) {
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int v : members) {
            Integer g = groupOf.get(v);
            if (g != null) {
                groups.computeIfAbsent(g, k -> new ArrayList<>()).add(v);
            }
        }
        Map<Integer, ElkNode> frames = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Integer>> g : groups.entrySet()) {
            if (g.getValue().size() < 2) {
                continue;
            }
            ElkNode frame = ElkGraphUtil.createNode(root);
            configure(frame);
            // Side padding that makes the frame at least as wide as its label (drawn by the page).
            int widest = g.getValue().stream().mapToInt(v -> width(views.get(v).lines())).max().orElse(0);
            int side = Math.max(6, (width(List.of(groupLabel.apply(g.getKey()))) - widest + 1) / 2);
            frame.setProperty(CoreOptions.PADDING, new ElkPadding(GROUP_LABEL_HEIGHT + 4, side, 6, side));
            frames.put(g.getKey(), frame);
        }
        return frames;
    }

    /** ELK edges for the stage's edges; a value from or to another stage gets a stub box, one per value. */
    private Map<ElkNode, StubEnd> connect(ElkNode root, int stage, List<Edge> edges, Map<Integer, ElkNode> boxes) {
        Map<String, ElkNode> stubByValue = new LinkedHashMap<>();
        Map<ElkNode, StubEnd> stubs = new HashMap<>();
        for (Edge e : edges) {
            boolean fromHere = stageOf[e.from()] == stage;
            boolean toHere = stageOf[e.to()] == stage;
            ElkNode from = boxes.get(e.from());
            ElkNode to = boxes.get(e.to());
            if (!fromHere || !toHere) {
                String label = (toHere ? "\u2190 " : "\u2192 ") + e.value().name();
                String key = (toHere ? "in:" + e.from() : "out:") + ":" + e.value().name();
                ElkNode stub = stubByValue.get(key);
                if (stub == null) {
                    stub = ElkGraphUtil.createNode(root);
                    stub.setDimensions(width(List.of(label)), LINE_HEIGHT + 6);
                    stubByValue.put(key, stub);
                    stubs.put(stub, new StubEnd(toHere ? e.from() : e.to(), label, toHere));
                }
                from = toHere ? stub : from;
                to = toHere ? to : stub;
            }
            ElkGraphUtil.updateContainment(ElkGraphUtil.createSimpleEdge(from, to));
        }
        return stubs;
    }

    private static void configure(ElkNode node) {
        node.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        node.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
        // 3 instead of ELK's default 7: on swin_t a quarter less layout time, on LowFormer the same picture.
        node.setProperty(LayeredOptions.THOROUGHNESS, 3);
        node.setProperty(LayeredOptions.SPACING_NODE_NODE, 14.0);
        node.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 22.0);
        node.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 10.0);
        node.setProperty(LayeredOptions.SPACING_EDGE_EDGE_BETWEEN_LAYERS, 6.0);
    }

    private StageDrawing result(String title, List<Integer> members, ElkNode root, Map<Integer, ElkNode> boxes,
                                Map<Integer, ElkNode> frames, Map<ElkNode, StubEnd> stubs) {
        List<Box> boxList = new ArrayList<>();
        boxes.forEach((v, n) -> boxList.add(new Box(v, x(n), y(n), round(n.getWidth()), round(n.getHeight()))));
        List<Group> groups = new ArrayList<>();
        frames.forEach((layer, n) -> groups.add(new Group(layer, groupLabel.apply(layer), x(n), y(n),
                round(n.getWidth()), round(n.getHeight()))));
        List<Stub> stubList = new ArrayList<>();
        for (ElkNode n : root.getChildren()) {
            StubEnd s = stubs.get(n);
            if (s != null) {
                stubList.add(new Stub(s.v(), s.label(), s.incoming(), x(n), y(n), round(n.getWidth()), round(n.getHeight())));
            }
        }
        List<int[]> edges = new ArrayList<>();
        collectEdges(root, edges);
        return new StageDrawing(title, members.size(), round(root.getWidth()), round(root.getHeight()), boxList, groups,
                stubList, edges);
    }

    private static void collectEdges(ElkNode node, List<int[]> out) {
        double[] o = offset(node);  // edge points are relative to the edge's containing node
        double ox = o[0];
        double oy = o[1];
        for (ElkEdge e : node.getContainedEdges()) {
            for (ElkEdgeSection s : e.getSections()) {
                int[] points = new int[4 + 2 * s.getBendPoints().size()];
                int i = 0;
                points[i++] = round(ox + s.getStartX());
                points[i++] = round(oy + s.getStartY());
                for (ElkBendPoint b : s.getBendPoints()) {
                    points[i++] = round(ox + b.getX());
                    points[i++] = round(oy + b.getY());
                }
                points[i++] = round(ox + s.getEndX());
                points[i] = round(oy + s.getEndY());
                out.add(points);
            }
        }
        for (ElkNode child : node.getChildren()) {
            collectEdges(child, out);
        }
    }

    private static int width(List<String> lines) {
        int chars = lines.stream().mapToInt(String::length).max().orElse(0);
        return Math.max(48, (int) Math.ceil(chars * CHAR_WIDTH) + 2 * PADDING);
    }

    private static int x(ElkNode n) {
        return round(offset(n)[0]);
    }

    private static int y(ElkNode n) {
        return round(offset(n)[1]);
    }

    /** Where {@code n}'s coordinate system starts in the stage's: ELK gives each relative to its parent. */
    private static double[] offset(ElkNode n) {
        double[] xy = new double[2];
        for (ElkNode p = n; p.getParent() != null; p = p.getParent()) {
            xy[0] += p.getX();
            xy[1] += p.getY();
        }
        return xy;
    }

    private static int round(double d) {
        return (int) Math.round(d);
    }
}
