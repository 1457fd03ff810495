package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.kiln.codegen.expr.Activations;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.java.JavaSpelling;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.java.VectorSpelling;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Activation;
import dev.kiln.compiler.ops.Conv;
import dev.kiln.compiler.ops.FusedConv;
import dev.kiln.compiler.target.TargetProfile;
import javax.lang.model.element.Modifier;

/**
 * Channels-last FusedConv of one group with weights in panels of two vectors, as a
 * matrix product: Y [positions, M] = A [positions, K] W [K, M], K = kernel taps x C, row p
 * of A being position p's receptive field.
 *
 * <p>A work item is a tile of up to {@link #ROWS} output positions and a group of weight
 * panels. For each panel, a register tile of rows x 2 vectors (12 accumulators for 8-lane
 * vectors: 6 x 16) walks K: per step two vector loads of W, one broadcast of A per row,
 * twelve fused multiply-adds ({@link ConvTile}). The accumulators start from the bias. The
 * activation and the residual follow in an epilogue method, over the outputs the tile just
 * wrote. The tile finds A in one of three ways:
 * <ul>
 * <li>a 1x1 convolution of stride 1: row p of A is position p of X, read in place;
 * <li>a 2-D convolution with kernel taps, undilated: tiles of neighbouring positions of one
 *     output row read their receptive fields in X too, kernel row by kernel row
 *     ({@link RowTiling}); only the positions with a kernel column outside the image are
 *     copied, as below;
 * <li>otherwise the tile's receptive fields are copied into its part's workspace, one row
 *     of K floats per position, zeros where a tap falls outside the image.
 * </ul>
 * A copy is made once per panel group: in a deep layer, where one panel's weights fill the
 * group's share of the L2 cache, that is once per panel, which is why the second way exists.
 *
 * <p>Items are ordered panel group first, so the consecutive items of one thread
 * share their weights in the L2 cache. Each output element is computed by one
 * thread in a fixed order, whatever the thread count.
 */
final class VectorConvKernel {
    /** Output positions per register tile, at most. */
    static final int ROWS = 6;

    /**
     * Output elements a layer needs at least for its epilogue to use vectors. A method that
     * runs rarely stays in the JIT's first tiers, where every Vector API operation allocates
     * its vector on the heap: the squeeze-and-excitation convolutions of MobileNetV3 (one
     * position each) allocated a kilobyte or more per call after thousands of calls. For so
     * few elements the scalar loop costs nothing.
     */
    static final int VECTOR_EPILOGUE_OUTPUTS = 4096;

    private VectorConvKernel() {
    }

    /**
     * The tile's copied rows (tr x K), a tile-sized buffer for partial tiles (tr x panel), and
     * where a tile of edge positions puts its outputs before they go to their rows (tr x M).
     */
    static long scratchFloats(Node node, TargetProfile profile) {
        Conv.Params p = FusedConv.params(node);
        RowTiling rows = rowTiling(node, p);
        boolean edges = rows != null && rows.edgeTiles() > 0;
        return ROWS * ((long) reduction(p) + 2L * profile.vectorFloats() + (edges ? p.outChannels() : 0));
    }

    /** How the layer's tiles read X in place ({@link RowTiling}), or null where they read rows of A. */
    private static RowTiling rowTiling(Node node, Conv.Params p) {
        return readsInputDirectly(p) ? null : RowTiling.of(p, (int) node.input(0).type().dim(0));
    }

    /**
     * Output positions per register tile for a layer of {@code positions}: {@link #ROWS}, unless
     * with 5 or 4 the tiles cover at least 5% fewer rows in all (positions rounded up to whole
     * tiles).
     */
    static int tileRows(long positions) {
        int best = ROWS;
        long padded = (positions + ROWS - 1) / ROWS * ROWS;
        for (int r = ROWS - 1; r >= 4; r--) {
            long p = (positions + r - 1) / r * r;
            if (p * 20 <= padded * 19 && p < padded) {
                best = r;
                padded = p;
            }
        }
        return best;
    }

    /** K: taps x input channels. */
    static int reduction(Conv.Params p) {
        long k = p.inChannels();
        for (long t : p.kernel()) {
            k *= t;
        }
        return (int) k;
    }

    /** What the item loops of a layer share. */
    private record Layer(Conv.Params p, int k, int panel, int perGroup, long positions, String taps) {
        int m() {
            return p.outChannels();
        }

        int c() {
            return p.inChannels();
        }

        /** The tile, walking only each panel's kernel rows where some panels have zero rows ({@link PanelTaps}). */
        ConvTile tile(ConvTile t) {
            return taps == null ? t : t.skipping(taps);
        }
    }

    static void emit(KernelWriter w) {
        Conv.Params p = FusedConv.params(w.node());
        int panel = 2 * w.lanes();
        int m = p.outChannels();
        int k = reduction(p);
        long positions = w.in(0).type().dim(0) * p.outputSpatial()[0] * p.outputSpatial()[1];
        int panels = (m + panel - 1) / panel;
        // Panels per group: as many as keep the group's weights within half the L2 cache.
        int perGroup = (int) Math.max(1, Math.min(panels, w.profile().l2Bytes() / 2 / (4L * k * panel)));
        int groups = (panels + perGroup - 1) / perGroup;
        int[] boxes = PanelTaps.of(w.node(), panel);
        Layer layer = new Layer(p, k, panel, perGroup, positions, boxes == null ? null : w.intTable("TAPS", boxes));
        w.cost(2L * positions * m * k);
        RowTiling rows = rowTiling(w.node(), p);
        int tiles = rows == null ? flatTiles(w, layer) : rowTiles(w, layer, rows);
        w.work(tiles * groups);
    }

    /** The item's panel group g and its output channels [m0, m1), after its tile t. */
    private static void panelGroup(CodeBlock.Builder b, Layer l, int tiles) {
        b.addStatement("int g = item / $L", tiles);
        b.addStatement("int t = item % $L", tiles);
        b.addStatement("int m0 = g * $L", l.perGroup() * l.panel());
        b.addStatement("int m1 = Math.min($L, m0 + $L)", l.m(), l.perGroup() * l.panel());
    }

    /** The tile's call: rows at {@code rowsOfA}, outputs at {@code out}. */
    private static void callTile(CodeBlock.Builder b, KernelWriter w, String tile, String rowsOfA, String out,
                                 String rows, int tr, Layer l) {
        b.addStatement("$L($L, w, wo, $L, $L, $L, m0, m1, ws, wso + $L)", tile, rowsOfA,
                w.hasIn(2) ? "b, bo, 1" : "ZEROS, 0, 0", out, rows, tr * l.k());
    }

    /** The epilogue over channels [m0, m1) of {@code rows} positions from flat position {@code position}. */
    private static void callEpilogue(CodeBlock.Builder b, KernelWriter w, String epilogue, String position,
                                     String rows, Layer l) {
        if (epilogue == null) {
            return;
        }
        String at = position + " * " + l.m() + " + mp";
        b.beginControlFlow("for (int mp = m0; mp < m1; mp += $L)", l.panel());
        b.addStatement("$L(y, yo + $L, $L, $L, Math.min($L, $L - mp))", epilogue, at,
                w.hasIn(3) ? "r, ro + " + at : "null, 0", rows, l.panel(), l.m());
        b.endControlFlow();
    }

    /**
     * Items over tiles of consecutive positions (row p of A is position p): read in place for a
     * 1x1 convolution of stride 1, else copied. Returns the tiles.
     */
    private static int flatTiles(KernelWriter w, Layer l) {
        int c = l.c();
        int tr = tileRows(l.positions());
        int tiles = (int) ((l.positions() + tr - 1) / tr);
        CodeBlock.Builder b = w.code();
        b.beginControlFlow("for (int item = lo; item < hi; item++)");
        b.add("// Positions p0 .. p0 + $L and weight panels of group g ($L panels of $L channels each).\n", tr - 1,
                l.perGroup(), l.panel());
        panelGroup(b, l, tiles);
        b.addStatement("int p0 = t * $L", tr);
        b.addStatement("int rows = Math.min($L, $L - p0)", tr, l.positions());
        String rowsOfA;
        if (readsInputDirectly(l.p())) {
            // A 1x1 convolution with stride 1 and no padding: row r of A is position p0 + r of X.
            b.addStatement("float[] a = x");
            b.addStatement("int ao = xo + p0 * $L", c);
            b.beginControlFlow("if (rows < $L)", tr);
            b.add("// The last, partial tile: its rows copied, the rest zero, so that the tile reads within bounds.\n");
            b.addStatement("System.arraycopy(x, ao, ws, wso, rows * $L)", c);
            b.addStatement("java.util.Arrays.fill(ws, wso + rows * $L, wso + $L, 0f)", c, tr * l.k());
            b.addStatement("a = ws");
            b.addStatement("ao = wso");
            b.endControlFlow();
            rowsOfA = "a, ao";
        } else {
            packRows(b, l.p(), l.k(), tr, "p0 + row");
            rowsOfA = "ws, wso";
        }
        String tile = l.tile(ConvTile.packed(l.p())).method(w, l.m(), l.panel(), tr);
        callTile(b, w, tile, rowsOfA, "y, yo + p0 * " + l.m(), "rows", tr, l);
        callEpilogue(b, w, epilogue(w, l), "p0", "rows", l);
        b.endControlFlow();
        return tiles;
    }

    /**
     * Items over tiles within output rows, read in place, then tiles of edge positions,
     * copied ({@link RowTiling}). Returns the tiles.
     */
    private static int rowTiles(KernelWriter w, Layer l, RowTiling rt) {
        Conv.Params p = l.p();
        int c = l.c();
        int m = l.m();
        int tr = rt.rows();
        long[] in = p.inputSpatial();
        long[] out = p.outputSpatial();
        long[] kernel = p.kernel();
        int tiles = rt.interiorTiles() + rt.edgeTiles();
        String epilogue = epilogue(w, l);
        CodeBlock.Builder b = w.code();
        b.beginControlFlow("for (int item = lo; item < hi; item++)");
        b.add("// Tile t of positions and weight panels of group g ($L panels of $L channels each).\n", l.perGroup(),
                l.panel());
        panelGroup(b, l, tiles);
        if (rt.edgeTiles() > 0) {
            b.beginControlFlow("if (t < $L)", rt.interiorTiles());
        }
        b.add("// Positions ow0 .. ow0 + $L of output row `row` (n * $L + oh), their receptive fields read in X.\n",
                tr - 1, out[0]);
        b.addStatement("int row = $L", IndexMath.div("t", rt.tilesPerRow()));
        if (rt.tilesPerRow() > 1) {
            b.addStatement("int ow0 = t % $L * $L$L", rt.tilesPerRow(), tr, IndexMath.plus(rt.owLo()));
        } else {
            b.addStatement("int ow0 = $L", rt.owLo());
        }
        boolean batch = rt.outputRows() > out[0];
        b.addStatement("int ih0 = $L$L", IndexMath.scaled(batch ? "(row % " + out[0] + ")" : "row", p.strides()[0]),
                IndexMath.plus(-p.padsBegin()[0]));
        b.add("// Kernel rows kh0 .. kh1 - 1 fall inside the image.\n");
        b.addStatement("int kh0 = Math.max(0, -ih0)");
        b.addStatement("int kh1 = Math.min($L, $L - ih0)", kernel[0], in[0]);
        String image = batch ? "row / " + out[0] + " * " + in[0] + " + " : "";
        b.addStatement("int xr = xo + (($Lih0) * $L + $L$L) * $L", image, in[1], IndexMath.scaled("ow0", p.strides()[1]),
                IndexMath.plus(-p.padsBegin()[1]), c);
        b.addStatement("int p0 = row * $L + ow0", out[1]);
        String inPlace = l.tile(ConvTile.inPlace(p, p.strides()[1] * c, in[1] * c)).method(w, m, l.panel(), tr);
        callTile(b, w, inPlace, "x, xr, kh0, kh1", "y, yo + p0 * " + m, String.valueOf(tr), tr, l);
        callEpilogue(b, w, epilogue, "p0", String.valueOf(tr), l);
        if (rt.edgeTiles() > 0) {
            b.nextControlFlow("else");
            edgeTile(w, l, rt, epilogue);
            b.endControlFlow();
        }
        b.endControlFlow();
        return tiles;
    }

    /** A tile of edge positions: their receptive fields copied, the outputs put in their rows. */
    private static void edgeTile(KernelWriter w, Layer l, RowTiling rt, String epilogue) {
        CodeBlock.Builder b = w.code();
        int tr = rt.rows();
        int m = l.m();
        b.add("// Edge positions e0 .. e0 + $L ($L of each output row, counted row by row), copied: those with a\n"
                + "// kernel column outside the image and those after the row's last whole tile.\n", tr - 1, rt.edgesPerRow());
        b.addStatement("int e0 = (t - $L) * $L", rt.interiorTiles(), tr);
        b.addStatement("int rows = Math.min($L, $L - e0)", tr, rt.edges());
        String edgePosition = edgePositionMethod(w, rt, l.p().outputSpatial()[1]);
        packRows(b, l.p(), l.k(), tr, edgePosition + "(e0 + row)");
        int outs = tr * (l.k() + l.panel());
        String tile = l.tile(ConvTile.packed(l.p())).method(w, m, l.panel(), tr);
        b.add("// The tile's outputs go to the workspace, then each row to its position.\n");
        callTile(b, w, tile, "ws, wso", "ws, wso + " + outs, "rows", tr, l);
        b.beginControlFlow("for (int row = 0; row < rows; row++)");
        b.addStatement("int p = $L(e0 + row)", edgePosition);
        b.addStatement("System.arraycopy(ws, wso + $L + row * $L + m0, y, yo + p * $L + m0, m1 - m0)", outs, m, m);
        callEpilogue(b, w, epilogue, "p", "1", l);
        b.endControlFlow();
    }

    /** A method giving the flat output position of edge position q: row by row, left edge then right. */
    private static String edgePositionMethod(KernelWriter w, RowTiling rt, long outWidth) {
        int perRow = rt.edgesPerRow();
        MethodSpec.Builder e = MethodSpec.methodBuilder("edgePosition").addModifiers(Modifier.STATIC)
                .returns(int.class).addParameter(int.class, "q")
                .addJavadoc("The output position of edge position q: $L of each row of $L, positions 0 .. $L and $L .. $L.\n",
                        perRow, outWidth, rt.owLo() - 1, rt.owLo() + rt.covered(), outWidth - 1)
                .addStatement("int e = q % $L", perRow)
                .addStatement("return q / $L * $L + (e < $L ? e : e + $L)", perRow, outWidth, rt.owLo(), rt.covered());
        return w.helperMethod(lowerFirst(w.node().opType()) + "EdgePosition", e.build());
    }

    /** The epilogue method for the layer, or null (see {@link #epilogueMethod}). */
    private static String epilogue(KernelWriter w, Layer l) {
        return epilogueMethod(w, l.m(), l.panel(), l.positions() * l.m() >= VECTOR_EPILOGUE_OUTPUTS);
    }

    /** Whether row r of A is simply position p0 + r of X, without copying. */
    private static boolean readsInputDirectly(Conv.Params p) {
        for (int i = 0; i < p.kernel().length; i++) {
            if (p.kernel()[i] != 1 || p.strides()[i] != 1 || p.padsBegin()[i] != 0
                    || p.padsEnd()[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies the receptive field of each of the tile's positions into row r of the workspace;
     * {@code position} is the flat position of row {@code row}.
     */
    private static void packRows(CodeBlock.Builder b, Conv.Params p, int k, int tr, String position) {
        long[] kernel = p.kernel();
        int c = p.inChannels();
        long[] in = p.inputSpatial();
        long[] out = p.outputSpatial();
        b.add("// Row `row` of A: the receptive field of its position, tap by tap, $L channels a tap.\n", c);
        b.beginControlFlow("for (int row = 0; row < $L; row++)", tr);
        b.addStatement("int a = wso + row * $L", k);
        b.beginControlFlow("if (row >= rows)");
        b.addStatement("java.util.Arrays.fill(ws, a, a + $L, 0f)", k);
        b.addStatement("continue");
        b.endControlFlow();
        b.addStatement("int p = $L", position);
        b.addStatement("int n = p / $L", out[0] * out[1]);
        b.addStatement("int oh = p / $L % $L", out[1], out[0]);
        b.addStatement("int ow = p % $L", out[1]);
        b.beginControlFlow("for (int kh = 0; kh < $L; kh++)", kernel[0]);
        b.addStatement("int ih = $L$L + $L", IndexMath.scaled("oh", p.strides()[0]), IndexMath.plus(-p.padsBegin()[0]),
                IndexMath.scaled("kh", p.dilations()[0]));
        b.addStatement("int taps = a + kh * $L", kernel[1] * c);
        b.beginControlFlow("if (ih < 0 || ih >= $L)", in[0]);
        b.addStatement("java.util.Arrays.fill(ws, taps, taps + $L, 0f)", kernel[1] * c);
        b.addStatement("continue");
        b.endControlFlow();
        b.addStatement("int iw0 = $L$L", IndexMath.scaled("ow", p.strides()[1]), IndexMath.plus(-p.padsBegin()[1]));
        b.addStatement("int src = xo + ((n * $L + ih) * $L + iw0) * $L", in[0], in[1], c);
        if (p.dilations()[1] == 1 && kernel[1] > 1) {
            b.add("// All of the row's taps inside the image: they are $L contiguous floats of X.\n", kernel[1] * c);
            b.beginControlFlow("if (iw0 >= 0 && iw0 + $L <= $L)", kernel[1], in[1]);
            b.addStatement("System.arraycopy(x, src, ws, taps, $L)", kernel[1] * c);
            b.addStatement("continue");
            b.endControlFlow();
        }
        b.beginControlFlow("for (int kw = 0; kw < $L; kw++)", kernel[1]);
        b.addStatement("int iw = iw0 + $L", IndexMath.scaled("kw", p.dilations()[1]));
        b.addStatement("int dst = taps + kw * $L", c);
        b.beginControlFlow("if (iw < 0 || iw >= $L)", in[1]);
        b.addStatement("java.util.Arrays.fill(ws, dst, dst + $L, 0f)", c);
        b.nextControlFlow("else");
        b.addStatement("System.arraycopy(x, src + $L, ws, dst, $L)", IndexMath.scaled("kw", (long) p.dilations()[1] * c), c);
        b.endControlFlow();
        b.endControlFlow();
        b.endControlFlow();
        b.endControlFlow();
    }

    /**
     * The activation and the residual of the outputs that one tile call wrote (rows x cols of Y,
     * row stride M), as a method of its own, or null where the node has neither. Kept out of the
     * tile: the constants of an activation there take vector registers from its loop, and it
     * spills (a tile with HardSwish ran at a third of the speed). Scalar only where
     * {@code vectors} is false (see {@link #VECTOR_EPILOGUE_OUTPUTS}).
     */
    private static String epilogueMethod(KernelWriter w, int m, int panel, boolean vectors) {
        Activation act = Activation.read(w.node());
        boolean residual = w.hasIn(3);
        if (act == null && !residual) {
            return null;
        }
        CodeBlock scalar = act == null ? CodeBlock.of("s")
                : Activations.apply(act, CodeBlock.of("s"), new JavaSpelling(ElementType.FLOAT, w.runtime()));
        CodeBlock.Builder c = CodeBlock.builder();
        c.beginControlFlow("for (int i = 0; i < rows; i++)");
        c.addStatement("int yi = yo + i * $L", m);
        if (residual) {
            c.addStatement("int ri = ro + i * $L", m);
        }
        if (vectors) {
            VectorSpelling spelling = w.vectorSpelling();
            CodeBlock vector = act == null ? CodeBlock.of("v") : Activations.apply(act, CodeBlock.of("v"), spelling);
            c.add("// A whole panel's columns as vectors (a loop of constant length: see JDK17_LOOPS), else one by one.\n");
            c.beginControlFlow("if (cols == $L)", panel);
            c.beginControlFlow("for (int j = 0; j < $L; j += L)", panel);
            c.addStatement("$T v = $T.fromArray(S, y, yi + j)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
            c.add(spelling.takeStatements());
            c.addStatement("$L$L.intoArray(y, yi + j)", vector,
                    residual ? CodeBlock.of(".add($T.fromArray(S, r, ri + j))", Vectors.FLOAT_VECTOR) : "");
            c.endControlFlow();
            c.nextControlFlow("else");
        } else {
            c.add("// One by one: the layer has too few outputs for vectors, which a rarely run method would put on the heap.\n");
        }
        c.beginControlFlow("for (int j = 0; j < cols; j++)");
        c.addStatement("float s = y[yi + j]");
        c.addStatement("y[yi + j] = $L$L", scalar, residual ? " + r[ri + j]" : "");
        c.endControlFlow();
        if (vectors) {
            c.endControlFlow();
        }
        c.endControlFlow();
        MethodSpec.Builder e = MethodSpec.methodBuilder("epilogue").addModifiers(Modifier.STATIC)
                .addJavadoc("$L of the rows x cols outputs of one tile (row stride $L).\n",
                        act == null ? "y + r" : residual ? act + "(y) + r" : act + "(y)", m)
                .addParameter(float[].class, "y").addParameter(int.class, "yo")
                .addParameter(float[].class, "r").addParameter(int.class, "ro")
                .addParameter(int.class, "rows").addParameter(int.class, "cols")
                .addCode(c.build());
        return w.helperMethod(lowerFirst(w.node().opType()) + "Epilogue", e.build());
    }

    static String lowerFirst(String s) {
        return s.substring(0, 1).toLowerCase() + s.substring(1);
    }
}
