package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.java.KernelWriter;
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
 *     of kernel row kh are {@code run} contiguous floats at {@code ao + kh * kernelRowStride
 *     + r * rowStride}, and the caller passes the kernel rows [kh0, kh1) inside the image.
 * </ul>
 * The weights of kernel row kh start at {@code kh * run} in the panel either way (packed
 * [panels, K, P] with K in the order kh, kw, c).
 */
final class ConvTile {
    /** Floats of A in a row's run, the distance between rows, between kernel rows; kernel rows. */
    private final int run;
    private final long rowStride;
    private final long kernelRowStride;
    private final int kernelRows;

    private ConvTile(int run, long rowStride, long kernelRowStride, int kernelRows) {
        this.run = run;
        this.rowStride = rowStride;
        this.kernelRowStride = kernelRowStride;
        this.kernelRows = kernelRows;
    }

    /** Rows of K floats one after the other. */
    static ConvTile packed(int k) {
        return new ConvTile(k, k, 0, 1);
    }

    /** Rows read in place: kernel rows of {@code run} floats, {@code rowStride} apart per row. */
    static ConvTile inPlace(int run, long rowStride, long kernelRowStride, int kernelRows) {
        return new ConvTile(run, rowStride, kernelRowStride, kernelRows);
    }

    private boolean readsInPlace() {
        return kernelRows > 1 || kernelRowStride != 0;
    }

    /** The method's name, after adding it to the writer's class. */
    String method(KernelWriter w, int m, int panel, int tr) {
        int k = run * kernelRows;
        MethodSpec.Builder t = MethodSpec.methodBuilder("tile").addModifiers(Modifier.STATIC)
                .addJavadoc("$L positions x channels [m0, m1) of a convolution with K = $L: A W + b, $L channels at a time.\n",
                        tr, k, panel);
        if (readsInPlace()) {
            t.addJavadoc("Reads A in X: kernel rows [kh0, kh1) of $L floats, row r's $L after row r - 1's.\n", run,
                    rowStride);
        }
        t.addParameter(float[].class, "a").addParameter(int.class, "ao");
        if (readsInPlace()) {
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
        String a = "ao";
        String wk0 = "wp";
        if (readsInPlace()) {
            c.add("// Kernel rows outside the image add nothing: skipped.\n");
            c.beginControlFlow("for (int kh = kh0; kh < kh1; kh++)");
            c.addStatement("int ak = ao + kh * $L", kernelRowStride);
            c.addStatement("int wh = wp + kh * $L", (long) run * panel);
            a = "ak";
            wk0 = "wh";
        }
        c.add("// The same loop twice, written as each JIT compiles it best (see JDK17_LOOPS).\n");
        c.beginControlFlow("if (JDK17_LOOPS)");
        c.beginControlFlow("for (int k = 0, wk = $L; k < $L; k++, wk += $L)", wk0, run, panel);
        kStep(c, a, tr);
        c.endControlFlow();
        c.nextControlFlow("else");
        c.beginControlFlow("for (int k = 0; k < $L; k++)", run);
        c.addStatement("int wk = $L + k * $L", wk0, panel);
        kStep(c, a, tr);
        c.endControlFlow();
        c.endControlFlow();
        if (readsInPlace()) {
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
        String name = VectorConvKernel.lowerFirst(w.node().opType()) + (readsInPlace() ? "InPlaceTile" : "Tile");
        return w.helperMethod(name, t.addCode(c.build()).build());
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
