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
 * matrix product: Y [positions, M] = A [positions, K] W [K, M], K = kernel taps x C.
 *
 * <p>A work item is a tile of {@link #tileRows} output positions (6, or 5 or 4 where that
 * pads the last tile with far fewer unused rows: 7x7 = 49 positions make 10 tiles of 5, not
 * 9 of 6 of which the last computes 5 rows for nothing) and a group of weight
 * panels. It first copies the tile's receptive fields into its part's workspace, one
 * row of K floats per position (zeros where a tap falls outside the image), so that
 * every convolution, 1x1 or 3x3, strided or padded, reads A the same way; a 1x1
 * convolution of stride 1 reads X itself. Then, for each panel, a register tile of
 * rows x 2 vectors (12 accumulators for 8-lane vectors: 6 x 16) walks K: per
 * step two vector loads of W, one broadcast of A per row, twelve fused multiply-adds.
 * The accumulators start from the bias. The activation and the residual follow in an
 * epilogue method, over the outputs the tile just wrote.
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

    /** The tile's packed rows and a tile-sized buffer for partial tiles. */
    static long scratchFloats(Node node, TargetProfile profile) {
        Conv.Params p = FusedConv.params(node);
        return ROWS * reduction(p) + ROWS * 2L * profile.vectorFloats();
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
    private static int reduction(Conv.Params p) {
        long k = p.inChannels();
        for (long t : p.kernel()) {
            k *= t;
        }
        return (int) k;
    }

    static void emit(KernelWriter w) {
        Conv.Params p = FusedConv.params(w.node());
        int lanes = w.lanes();
        int panel = 2 * lanes;
        int m = p.outChannels();
        int c = p.inChannels();
        int k = reduction(p);
        long[] in = p.inputSpatial();
        long[] out = p.outputSpatial();
        int batch = (int) w.in(0).type().dim(0);
        long positions = batch * out[0] * out[1];
        int tr = tileRows(positions);
        int tiles = (int) ((positions + tr - 1) / tr);
        int panels = (m + panel - 1) / panel;
        // Panels per group: as many as keep the group's weights within half the L2 cache.
        int perGroup = (int) Math.max(1, Math.min(panels, w.profile().l2Bytes() / 2 / (4L * k * panel)));
        int groups = (panels + perGroup - 1) / perGroup;
        w.work(tiles * groups);
        w.cost(2L * positions * m * k);
        String tile = tileMethod(w, p, k, panel, tr);
        CodeBlock.Builder b = w.code();
        b.beginControlFlow("for (int item = lo; item < hi; item++)");
        b.add("// Positions p0 .. p0 + $L and weight panels of group g ($L panels of $L channels each).\n", tr - 1,
                perGroup, panel);
        b.addStatement("int g = item / $L", tiles);
        b.addStatement("int p0 = item % $L * $L", tiles, tr);
        b.addStatement("int rows = Math.min($L, $L - p0)", tr, positions);
        String rowsOfA;
        if (readsInputDirectly(p)) {
            // A 1x1 convolution with stride 1 and no padding: row r of A is position p0 + r of X.
            b.addStatement("float[] a = x");
            b.addStatement("int ao = xo + p0 * $L", c);
            b.beginControlFlow("if (rows < $L)", tr);
            b.add("// The last, partial tile: its rows copied, the rest zero, so that the tile reads within bounds.\n");
            b.addStatement("System.arraycopy(x, ao, ws, wso, rows * $L)", c);
            b.addStatement("java.util.Arrays.fill(ws, wso + rows * $L, wso + $L, 0f)", c, tr * k);
            b.addStatement("a = ws");
            b.addStatement("ao = wso");
            b.endControlFlow();
            rowsOfA = "a, ao";
        } else {
            packRows(b, p, k, c, in, out, tr);
            rowsOfA = "ws, wso";
        }
        b.addStatement("int m0 = g * $L", perGroup * panel);
        b.addStatement("int m1 = Math.min($L, m0 + $L)", m, perGroup * panel);
        b.addStatement("$L($L, w, wo, $L, y, yo + p0 * $L, rows, m0, m1, ws, wso + $L)", tile, rowsOfA,
                w.hasIn(2) ? "b, bo, 1" : "ZEROS, 0, 0", m, tr * k);
        String epilogue = epilogueMethod(w, m, panel, positions * m >= VECTOR_EPILOGUE_OUTPUTS);
        if (epilogue != null) {
            b.beginControlFlow("for (int mp = m0; mp < m1; mp += $L)", panel);
            b.addStatement("$L(y, yo + p0 * $L + mp, $L, rows, Math.min($L, $L - mp))", epilogue, m,
                    w.hasIn(3) ? "r, ro + p0 * " + m + " + mp" : "null, 0", panel, m);
            b.endControlFlow();
        }
        b.endControlFlow();
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

    /** Copies the receptive field of each of the tile's positions into row r of the workspace. */
    private static void packRows(CodeBlock.Builder b, Conv.Params p, int k, int c, long[] in, long[] out, int tr) {
        long[] kernel = p.kernel();
        b.add("// Row r of A: the receptive field of position p0 + r, tap by tap, $L channels a tap.\n", c);
        b.beginControlFlow("for (int row = 0; row < $L; row++)", tr);
        b.addStatement("int a = wso + row * $L", k);
        b.beginControlFlow("if (row >= rows)");
        b.addStatement("java.util.Arrays.fill(ws, a, a + $L, 0f)", k);
        b.addStatement("continue");
        b.endControlFlow();
        b.addStatement("int p = p0 + row");
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

    private static String lowerFirst(String s) {
        return s.substring(0, 1).toLowerCase() + s.substring(1);
    }

    /**
     * The register tile as a method of its own: {@code tr} rows of A times the panels of W
     * for output channels [m0, m1), one panel after the other, plus bias, into Y (row stride
     * M), only the {@code rows} x channels that exist. One call does a whole panel group, so
     * the call's cost is spread over all of its panels (with small K it was a large part of
     * a panel's time).
     */
    private static String tileMethod(KernelWriter w, Conv.Params p, int k, int panel, int tr) {
        int m = p.outChannels();
        MethodSpec.Builder t = MethodSpec.methodBuilder("tile").addModifiers(Modifier.STATIC)
                .addJavadoc("$L positions x channels [m0, m1) of a convolution with K = $L: A W + b, $L channels at a time.\n",
                        tr, k, panel)
                .addParameter(float[].class, "a").addParameter(int.class, "ao")
                .addParameter(float[].class, "w").addParameter(int.class, "wo")
                .addParameter(float[].class, "b").addParameter(int.class, "bo").addParameter(int.class, "bs")
                .addParameter(float[].class, "y").addParameter(int.class, "yo")
                .addParameter(int.class, "rows").addParameter(int.class, "m0").addParameter(int.class, "m1")
                .addParameter(float[].class, "t").addParameter(int.class, "to");
        CodeBlock.Builder c = CodeBlock.builder();
        c.beginControlFlow("for (int mp = m0; mp < m1; mp += $L)", panel);
        c.add("// Panel mp / $L starts at mp * K in the packed weights.\n", panel);
        c.addStatement("int wp = wo + mp * $L", k);
        c.add("// The bias: bs = 1, or 0 and ZEROS for a convolution without one (a choice between two vectors\n");
        c.add("// here would make JDK 17 box the accumulators whenever both kinds of caller share the tile).\n");
        c.addStatement("$T b0 = $T.fromArray(S, b, bo + mp * bs)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        c.addStatement("$T b1 = $T.fromArray(S, b, bo + mp * bs + L)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        StringBuilder init = new StringBuilder();
        for (int r = 0; r < tr; r++) {
            init.append(r == 0 ? "" : ", ").append("c").append(r).append("0 = b0, c").append(r).append("1 = b1");
        }
        c.addStatement("$T $L", Vectors.FLOAT_VECTOR, init);
        c.add("// The same loop twice, written as each JIT compiles it best (see JDK17_LOOPS).\n");
        c.beginControlFlow("if (JDK17_LOOPS)");
        c.beginControlFlow("for (int k = 0, wk = wp; k < $L; k++, wk += $L)", k, panel);
        kStep(c, k, tr);
        c.endControlFlow();
        c.nextControlFlow("else");
        c.beginControlFlow("for (int k = 0; k < $L; k++)", k);
        c.addStatement("int wk = wp + k * $L", panel);
        kStep(c, k, tr);
        c.endControlFlow();
        c.endControlFlow();
        c.addStatement("int cols = Math.min($L, $L - mp)", panel, m);
        c.beginControlFlow("if (rows == $L && cols == $L)", tr, panel);
        for (int r = 0; r < tr; r++) {
            for (int v = 0; v < 2; v++) {
                c.addStatement("c$L$L.intoArray(y, yo + mp$L)", r, v, IndexMath.plus((long) r * m + (long) v * (panel / 2)));
            }
        }
        c.nextControlFlow("else");
        c.add("// A partial tile (the last positions or channels): through the buffer t.\n");
        for (int r = 0; r < tr; r++) {
            for (int v = 0; v < 2; v++) {
                c.addStatement("c$L$L.intoArray(t, to$L)", r, v, IndexMath.plus((long) r * panel + (long) v * (panel / 2)));
            }
        }
        c.beginControlFlow("for (int i = 0; i < rows; i++)");
        c.beginControlFlow("for (int j = 0; j < cols; j++)");
        c.addStatement("y[yo + mp + i * $L + j] = t[to + i * $L + j]", m, panel);
        c.endControlFlow();
        c.endControlFlow();
        c.endControlFlow();
        c.endControlFlow();
        return w.helperMethod(lowerFirst(w.node().opType()) + "Tile", t.addCode(c.build()).build());
    }

    /** One step of k: two vector loads of W at wk, one broadcast of A per row, two fused multiply-adds per row. */
    private static void kStep(CodeBlock.Builder c, int k, int tr) {
        c.addStatement("$T w0 = $T.fromArray(S, w, wk)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        c.addStatement("$T w1 = $T.fromArray(S, w, wk + L)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        c.addStatement("$T x", Vectors.FLOAT_VECTOR);
        for (int r = 0; r < tr; r++) {
            c.addStatement("x = $T.broadcast(S, a[ao + $L])", Vectors.FLOAT_VECTOR, r == 0 ? "k" : r * k + " + k");
            c.addStatement("c$L0 = x.fma(w0, c$L0)", r, r);
            c.addStatement("c$L1 = x.fma(w1, c$L1)", r, r);
        }
    }
}
