package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ops.Conv;
import javax.lang.model.element.Modifier;

/**
 * The register tile of {@link VectorConvKernel} as a method of its own: {@code tr} rows of A
 * times the panels of W for output channels [m0, m1), one panel after the other, plus bias,
 * into Y (row stride M), only the {@code rows} x channels that exist. One call does a whole
 * panel group, so the call's cost is spread over all of its panels (with small K it was a
 * large part of a panel's time).
 *
 * <p>How the tile finds row r of A is fixed per method:
 * <ul>
 * <li>{@link #packed}: rows of K floats one after the other (copied receptive fields, or X
 *     itself for a 1x1 convolution of stride 1);
 * <li>{@link #inPlace}: the receptive fields in X, kernel row by kernel row: row r's taps
 *     of kernel row kh are {@code kw x C} contiguous floats at {@code ao + kh *
 *     kernelRowStride + r * rowStride}, and the caller passes the kernel rows [kh0, kh1)
 *     inside the image.
 * </ul>
 * The weights of kernel row kh start at {@code kh * kw * C} in the panel either way (packed
 * [panels, K, P] with K in the order kh, kw, c). With {@link #skipping} a table of
 * {@link PanelTaps} rows, each panel walks only the kernel rows where it has weights.
 */
final class ConvTile {
    private final boolean inPlace;
    /** Floats of a kernel row (kw x C), and kernel rows. */
    private final int kernelRow;
    private final int kernelRows;
    /** A's distance between rows and between kernel rows. */
    private final long rowStride;
    private final long kernelRowStride;
    /** The PanelTaps table's field, or null. */
    private final String taps;

    private ConvTile(boolean inPlace, int kernelRow, int kernelRows, long rowStride,
                     long kernelRowStride, String taps) {
        this.inPlace = inPlace;
        this.kernelRow = kernelRow;
        this.kernelRows = kernelRows;
        this.rowStride = rowStride;
        this.kernelRowStride = kernelRowStride;
        this.taps = taps;
    }

    /** Rows of K = kernel rows x kw x C floats one after the other. */
    static ConvTile packed(Conv.Params p) {
        int k = VectorConvKernel.reduction(p);
        int row = (int) (p.kernel().length == 2 ? p.kernel()[1] * p.inChannels() : k);
        return new ConvTile(false, row, k / row, k, row, null);
    }

    /** Rows read in X, {@code rowStride} apart, kernel rows {@code kernelRowStride} apart. */
    static ConvTile inPlace(Conv.Params p, long rowStride, long kernelRowStride) {
        return new ConvTile(true, (int) (p.kernel()[1] * p.inChannels()), (int) p.kernel()[0], rowStride,
                kernelRowStride, null);
    }

    /** The same tile walking only each panel's kernel rows in the {@link PanelTaps} table {@code taps}. */
    ConvTile skipping(String taps) {
        return new ConvTile(inPlace, kernelRow, kernelRows, rowStride, kernelRowStride, taps);
    }

    /** Whether the tile walks K as one loop: packed rows, every tap. */
    private boolean oneLoop() {
        return !inPlace && taps == null;
    }

    /** The method's name, after adding it to the writer's class. */
    String method(KernelWriter w, int m, int panel, int tr) {
        int k = kernelRow * kernelRows;
        MethodSpec.Builder t = MethodSpec.methodBuilder("tile").addModifiers(Modifier.STATIC)
                .addJavadoc("$L positions x channels [m0, m1) of a convolution with K = $L: A W + b, $L channels at a time.\n",
                        tr, k, panel);
        if (inPlace) {
            t.addJavadoc("Reads A in X: kernel rows [kh0, kh1) of $L floats, row r's $L after row r - 1's.\n", kernelRow,
                    rowStride);
        }
        if (taps != null) {
            t.addJavadoc("Each panel walks only its kernel rows with weights, [$L[2 j], $L[2 j + 1]) for panel j.\n",
                    taps, taps);
        }
        t.addParameter(float[].class, "a").addParameter(int.class, "ao");
        if (inPlace) {
            t.addParameter(int.class, "kh0").addParameter(int.class, "kh1");
        }
        t.addParameter(float[].class, "w").addParameter(int.class, "wo")
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
        if (oneLoop()) {
            kLoop(c, "ao", "wp", k, panel, tr);
        } else {
            String from = inPlace ? "kh0" : "0";
            String to = inPlace ? "kh1" : String.valueOf(kernelRows);
            if (taps != null) {
                c.add("// The panel's kernel rows with any nonzero weight: the others add nothing.\n");
                c.addStatement("int box = mp / $L * 2", panel);
                from = inPlace ? "Math.max(kh0, " + taps + "[box])" : taps + "[box]";
                to = inPlace ? "Math.min(kh1, " + taps + "[box + 1])" : taps + "[box + 1]";
            } else if (inPlace) {
                c.add("// Kernel rows outside the image add nothing: skipped.\n");
            }
            c.beginControlFlow("for (int kh = $L, khEnd = $L; kh < khEnd; kh++)", from, to);
            c.addStatement("int ak = ao + kh * $L", kernelRowStride);
            c.addStatement("int wh = wp + kh * $L", (long) kernelRow * panel);
            kLoop(c, "ak", "wh", kernelRow, panel, tr);
            c.endControlFlow();
        }
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
        String name = VectorConvKernel.lowerFirst(w.node().opType()) + (inPlace ? "InPlaceTile" : "Tile");
        return w.helperMethod(name, t.addCode(c.build()).build());
    }

    /**
     * The loop over k in [0, n) with A at {@code a} + k and the panel's row k at {@code w0} + k x
     * panel. Of constant length: JDK 17's C2 compiled a loop whose bounds came from a table
     * several times slower (see {@link PanelTaps}).
     */
    private void kLoop(CodeBlock.Builder c, String a, String w0, int n, int panel, int tr) {
        c.add("// The same loop twice, written as each JIT compiles it best (see JDK17_LOOPS).\n");
        c.beginControlFlow("if (JDK17_LOOPS)");
        c.beginControlFlow("for (int k = 0, wk = $L; k < $L; k++, wk += $L)", w0, n, panel);
        kStep(c, a, tr);
        c.endControlFlow();
        c.nextControlFlow("else");
        c.beginControlFlow("for (int k = 0; k < $L; k++)", n);
        c.addStatement("int wk = $L + k * $L", w0, panel);
        kStep(c, a, tr);
        c.endControlFlow();
        c.endControlFlow();
    }

    /** One step of k: two vector loads of W at wk, one broadcast of A per row, two fused multiply-adds per row. */
    private void kStep(CodeBlock.Builder c, String a, int tr) {
        c.addStatement("$T w0 = $T.fromArray(S, w, wk)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        c.addStatement("$T w1 = $T.fromArray(S, w, wk + L)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        c.addStatement("$T x", Vectors.FLOAT_VECTOR);
        for (int r = 0; r < tr; r++) {
            c.addStatement("x = $T.broadcast(S, a[$L + $L])", Vectors.FLOAT_VECTOR, a,
                    r == 0 ? "k" : r * rowStride + " + k");
            c.addStatement("c$L0 = x.fma(w0, c$L0)", r, r);
            c.addStatement("c$L1 = x.fma(w1, c$L1)", r, r);
        }
    }
}
