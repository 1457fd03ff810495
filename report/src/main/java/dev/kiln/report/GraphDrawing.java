package dev.kiln.report;

import java.util.List;

/**
 * A graph as the page draws it: what each vertex shows, and its stages laid out.
 * Coordinates are whole pixels, y downwards.
 *
 * @param vertices by snapshot vertex index
 */
record GraphDrawing(List<VertexView> vertices, List<StageDrawing> stages) {

    /**
     * What one vertex shows.
     *
     * @param kind {@code node}, {@code input} or {@code output}
     * @param lines the text in its box, first line the op
     * @param name the node's or value's name from the model
     * @param type its (first) output's type, e.g. {@code float[1,3,224,224]}
     * @param layer the layer-table row it is (or became part of), or null
     * @param note why it has no row (the pass that removed it), or null
     * @param fused whether it stands for several imported nodes
     * @param stage the stage it is drawn in
     */
    record VertexView(String kind, List<String> lines, String name, String type, Integer layer, String note,
                      boolean fused, int stage) {
    }

    /**
     * One stage, laid out by ELK.
     *
     * @param edges each a polyline, {@code x0, y0, x1, y1, ...}
     */
    record StageDrawing(String title, int nodes, int width, int height, List<Box> boxes, List<Group> groups,
                        List<Stub> stubs, List<int[]> edges) {
    }

    /** The box of vertex {@code v}. */
    record Box(int v, int x, int y, int w, int h) {
    }

    /** A frame around the imported nodes that became layer {@code layer}. */
    record Group(int layer, String label, int x, int y, int w, int h) {
    }

    /**
     * A value crossing the stage's border: read from vertex {@code v} in another
     * stage ({@code incoming}), or read by vertex {@code v} there.
     */
    record Stub(int v, String value, boolean incoming, int x, int y, int w, int h) {
    }
}
