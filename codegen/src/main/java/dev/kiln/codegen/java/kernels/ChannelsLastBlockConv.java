package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Activations;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.java.JavaSpelling;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Activation;
import dev.kiln.compiler.ops.Conv;
import dev.kiln.compiler.ops.FusedConv;
import java.util.ArrayList;
import java.util.List;

/**
 * Channels-last FusedConv of one group with packed weights, in scalar Java, as a matrix
 * product Y [positions, M] = A [positions, K] W [K, M], K = kernel taps x C.
 *
 * <p>A work item is a block of R output positions (4 to 8, whichever pads the last block
 * least) and a chunk of at most {@link #CHUNK} output channels. The block's accumulators,
 * R rows of the chunk's width, live in the workspace and start from the bias. For each
 * {@link #STEPS} steps k of the reduction, the chunk's rows k.. of W are copied next to
 * them, and each row r adds A[r][k] times row k, A[r][k + 1] times row k + 1, ..., left
 * to right, so the sum is that of single steps, bit for bit, with one load and store of
 * the accumulators per four steps (measured: 1.7 times as fast as one step; with eight
 * C2 no longer vectorises). The copy is what lets C2 vectorise the update at all: it turns
 * {@code acc[i] += a * wrow[i]} into vector instructions only when the store and the loads
 * index one array with the same variable part (here {@code wso}) and constant offsets
 * that cannot overlap; with {@code y[yp + j] += a * w[wr + j]} it must assume they may
 * alias and runs scalar (measured: 5 GFLOP/s against 20 on JDK 17 and 25). The copy
 * costs a 1/R share of the work. The loops stay plain Java: where no JIT vectorises them
 * (Java 8 interpreters, Android) they are ordinary scalar loops.
 *
 * <p>A is the block's receptive fields, copied into the workspace one row of K floats
 * per position, zeros for padding; a 1x1 convolution of stride 1 reads X itself. At the
 * end the activation and the residual are applied on the way from the accumulators to Y.
 * Each output is summed over k in one order, whatever the thread count.
 */
final class ChannelsLastBlockConv {
    /** Output channels per chunk, at most: R rows of them and W's rows stay in the L1 cache. */
    static final int CHUNK = 512;
    /** Output positions per block, at most. */
    private static final int MAX_ROWS = 8;
    /** Steps of the reduction per pass over the accumulators: fewer loads and stores of them. */
    private static final int STEPS = 4;
    /** Output positions per block, at least. */
    private static final int MIN_ROWS = 4;

    private ChannelsLastBlockConv() {
    }

    /** Whether this kernel runs {@code node}: channels-last, one group, weights packed in panels. */
    static boolean handles(Node node) {
        FusedConv.Layout layout = FusedConv.layout(node);
        return layout.channelsLast() && layout.packed() && FusedConv.params(node).group() == 1;
    }

    /** The accumulators, W's rows and the block's rows of A. */
    static long scratchFloats(Node node) {
        Conv.Params p = FusedConv.params(node);
        int width = chunkWidth(p.outChannels(), FusedConv.layout(node).panel());
        return (long) (MAX_ROWS + STEPS) * width + (long) MAX_ROWS * reduction(p);
    }

    /**
     * The widest chunk: a whole panel where weights come in panels narrower than M (the
     * vector target's, for its scalar fallback), else M split into equal chunks of at
     * most {@link #CHUNK}.
     */
    static int chunkWidth(int m, int panel) {
        if (panel < m) {
            return panel;
        }
        int chunks = (m + CHUNK - 1) / CHUNK;
        return (m + chunks - 1) / chunks;
    }

    /** Positions per block: the count in [4, 8] that covers {@code positions} with the fewest unused rows, larger on a tie. */
    static int blockRows(long positions) {
        int best = MAX_ROWS;
        for (int r = MAX_ROWS - 1; r >= MIN_ROWS; r--) {
            if (padded(positions, r) < padded(positions, best)) {
                best = r;
            }
        }
        return best;
    }

    private static long padded(long positions, int rows) {
        return (positions + rows - 1) / rows * rows;
    }

    /** K: taps x input channels. */
    private static int reduction(Conv.Params p) {
        long k = p.inChannels();
        for (long t : p.kernel()) {
            k *= t;
        }
        return (int) k;
    }

    static void emit(KernelWriter w, Conv.Params p, ConvKernel.Geometry g, int n) {
        int m = p.outChannels();
        int c = p.inChannels();
        int k = reduction(p);
        int panel = FusedConv.layout(w.node()).panel();
        int width = chunkWidth(m, panel);
        int chunks = (m + width - 1) / width;
        long positions = n * g.outSize();
        int rows = blockRows(positions);
        int blocks = (int) ((positions + rows - 1) / rows);
        // Workspace: the accumulators [rows][width], W's rows [STEPS][width], A [rows][K].
        long wrow = (long) rows * width;
        long aRows = wrow + (long) STEPS * width;
        boolean partialChunk = m % width != 0;
        String cols = partialChunk ? "cols" : String.valueOf(width);
        w.work(blocks * chunks);
        w.cost(2L * positions * m * k);
        CodeBlock.Builder b = w.code();
        b.beginControlFlow("for (int item = lo; item < hi; item++)");
        b.add("// Positions p0 .. p0 + $L, output channels m0 .. m0 + $L; items run chunk by chunk.\n", rows - 1,
                width - 1);
        b.addStatement("int p0 = item % $L * $L", blocks, rows);
        b.addStatement("int m0 = item / $L * $L", blocks, width);
        b.addStatement("int rows = Math.min($L, $L - p0)", rows, positions);
        if (partialChunk) {
            b.addStatement("int cols = Math.min($L, $L - m0)", width, m);
        }
        // A[r][k] is a[ao + r * K + k]: X itself, or the block's rows copied into the workspace.
        String a;
        long ao;
        if (g.isPointwise()) {
            readInput(b, c, rows, aRows);
            a = "a[ao";
            ao = 0;
        } else {
            packRows(b, g, c, k, rows, aRows);
            a = "ws[wso";
            ao = aRows;
        }
        b.add("// The accumulators start from the bias.\n");
        if (w.hasIn(2)) {
            for (int r = 0; r < rows; r++) {
                b.addStatement("System.arraycopy(b, bo + m0, ws, wso$L, $L)", IndexMath.plus((long) r * width), cols);
            }
        } else {
            b.addStatement("java.util.Arrays.fill(ws, wso, wso + $L, 0f)", wrow);
        }
        b.add("// Row k of the chunk's weights (rows $L floats apart in the packed panel).\n", panel);
        b.addStatement("int wk = wo + $L", panel < m ? "m0 * " + k : "m0");
        int whole = k - k % STEPS;
        if (whole > 0) {
            b.beginControlFlow("for (int k = 0; k < $L; k += $L, wk += $L)", whole, STEPS, (long) STEPS * panel);
            kSteps(b, STEPS, rows, width, panel, cols, a, ao, k, wrow);
            b.endControlFlow();
        }
        if (whole < k) {
            b.beginControlFlow("for (int k = $L; k < $L; k++, wk += $L)", whole, k, panel);
            kSteps(b, 1, rows, width, panel, cols, a, ao, k, wrow);
            b.endControlFlow();
        }
        store(w, b, m, width, cols);
        b.endControlFlow();
    }

    /**
     * Steps k .. k + steps - 1 of the reduction: W's rows copied next to the accumulators, then
     * each row of the block adds A[r][k + s] times row s, in the order of s (so the sums are
     * those of single steps, bit for bit).
     */
    private static void kSteps(CodeBlock.Builder b, int steps, int rows, int width, int panel, String cols, String a,
                               long ao, int k, long wrow) {
        b.add("// W's row$L next to the accumulators: one array, one variable offset (see the kernel's comment).\n",
                steps == 1 ? "" : "s");
        if (panel == width && steps > 1) {
            b.addStatement("System.arraycopy(w, wk, ws, wso + $L, $L)", wrow, steps * width);
        } else {
            for (int s = 0; s < steps; s++) {
                b.addStatement("System.arraycopy(w, wk$L, ws, wso + $L, $L)", IndexMath.plus((long) s * panel),
                        wrow + (long) s * width, cols);
            }
        }
        for (int r = 0; r < rows; r++) {
            List<CodeBlock> values = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                values.add(CodeBlock.of("$L = $L$L + k$L]", name(r, s, steps), a, IndexMath.plus(ao + (long) r * k),
                        IndexMath.plus(s)));
            }
            b.addStatement("float $L", CodeBlock.join(values, ",$W"));
        }
        for (int r = 0; r < rows; r++) {
            String acc = "ws[wso" + IndexMath.plus((long) r * width) + " + j]";
            List<CodeBlock> terms = new ArrayList<>();
            terms.add(CodeBlock.of("$L", acc));
            for (int s = 0; s < steps; s++) {
                terms.add(CodeBlock.of("$L * ws[wso + $L + j]", name(r, s, steps), wrow + (long) s * width));
            }
            b.beginControlFlow("for (int j = 0; j < $L; j++)", cols);
            b.addStatement("$L = $L", acc, CodeBlock.join(terms, "$W+ "));
            b.endControlFlow();
        }
    }

    /** A[r][k + s] as a local: {@code a3} for row 3, {@code a3_1} for row 3, step 1 of several. */
    private static String name(int r, int s, int steps) {
        return steps == 1 ? "a" + r : "a" + r + "_" + s;
    }

    /**
     * A 1x1 convolution of stride 1 without padding: row r of A is position p0 + r of X. The
     * last, partial block is copied into the workspace, zeros after its rows, so that every
     * block reads R rows: A[r][k] is then {@code a[ao + r * K + k]}.
     */
    private static void readInput(CodeBlock.Builder b, int c, int rows, long aRows) {
        b.addStatement("float[] a = x");
        b.addStatement("int ao = xo + p0 * $L", c);
        b.beginControlFlow("if (rows < $L)", rows);
        b.add("// The last, partial block: its rows copied, the rest zero.\n");
        b.addStatement("System.arraycopy(x, ao, ws, wso + $L, rows * $L)", aRows, c);
        b.addStatement("java.util.Arrays.fill(ws, wso + $L + rows * $L, wso + $L, 0f)", aRows, c,
                aRows + (long) rows * c);
        b.addStatement("a = ws");
        b.addStatement("ao = wso + $L", aRows);
        b.endControlFlow();
    }

    /**
     * Copies the receptive field of each position of the block into row r of A (taps in
     * order, C floats a tap, zeros outside the image); rows past the last position are zero.
     */
    private static void packRows(CodeBlock.Builder b, ConvKernel.Geometry g, int c, int k, int rows, long aRows) {
        b.add("// Row of A: the receptive field of position p0 + row, $L taps of $L channels.\n", g.kernelSize(), c);
        b.beginControlFlow("for (int row = 0; row < $L; row++)", rows);
        b.addStatement("int ar = wso + $L + row * $L", aRows, k);
        b.beginControlFlow("if (row >= rows)");
        b.addStatement("java.util.Arrays.fill(ws, ar, ar + $L, 0f)", k);
        b.addStatement("continue");
        b.endControlFlow();
        b.addStatement("int p = p0 + row");
        b.addStatement("int n = p / $L", g.outSize());
        b.addStatement("int oh = p / $L % $L", g.outW(), g.outH());
        b.addStatement("int ow = p % $L", g.outW());
        b.beginControlFlow("for (int kh = 0; kh < $L; kh++)", g.kh());
        b.addStatement("int ih = $L$L + $L", IndexMath.scaled("oh", g.strideH()), IndexMath.plus(-g.padTop()),
                IndexMath.scaled("kh", g.dilH()));
        b.addStatement("int at = ar + kh * $L", g.kw() * c);
        b.beginControlFlow("if (ih < 0 || ih >= $L)", g.inH());
        b.addStatement("java.util.Arrays.fill(ws, at, at + $L, 0f)", g.kw() * c);
        b.addStatement("continue");
        b.endControlFlow();
        b.addStatement("int iw0 = $L$L", IndexMath.scaled("ow", g.strideW()), IndexMath.plus(-g.padLeft()));
        b.addStatement("int src = xo + ((n * $L + ih) * $L + iw0) * $L", g.inH(), g.inW(), c);
        if (g.dilW() == 1 && g.kw() > 1) {
            b.add("// The kernel row's taps all inside the image: $L contiguous floats of X, one copy.\n", g.kw() * c);
            b.beginControlFlow("if (iw0 >= 0 && iw0 + $L <= $L)", g.kw(), g.inW());
            b.addStatement("System.arraycopy(x, src, ws, at, $L)", g.kw() * c);
            b.addStatement("continue");
            b.endControlFlow();
        }
        b.beginControlFlow("for (int kw = 0; kw < $L; kw++)", g.kw());
        b.addStatement("int iw = iw0 + $L", IndexMath.scaled("kw", g.dilW()));
        b.beginControlFlow("if (iw < 0 || iw >= $L)", g.inW());
        b.addStatement("java.util.Arrays.fill(ws, at + kw * $L, at + kw * $L + $L, 0f)", c, c, c);
        b.nextControlFlow("else");
        b.addStatement("System.arraycopy(x, src + $L, ws, at + kw * $L, $L)", IndexMath.scaled("kw", g.dilW() * c), c,
                c);
        b.endControlFlow();
        b.endControlFlow();
        b.endControlFlow();
        b.endControlFlow();
    }

    /** The block's rows from the accumulators to Y, through the activation and the residual. */
    private static void store(KernelWriter w, CodeBlock.Builder b, int m, int width, String cols) {
        Activation act = Activation.read(w.node());
        boolean residual = w.hasIn(3);
        b.add("// The block's rows to Y$L$L.\n", act == null ? "" : ", " + act, residual ? ", plus the residual" : "");
        b.beginControlFlow("for (int row = 0; row < rows; row++)");
        b.addStatement("int acc = wso + row * $L", width);
        b.addStatement("int yr = yo + (p0 + row) * $L + m0", m);
        if (act == null && !residual) {
            b.addStatement("System.arraycopy(ws, acc, y, yr, $L)", cols);
        } else {
            if (residual) {
                b.addStatement("int rr = ro + (yr - yo)");
            }
            b.beginControlFlow("for (int j = 0; j < $L; j++)", cols);
            b.addStatement("float v = ws[acc + j]");
            if (act != null) {
                b.addStatement("v = $L", Activations.apply(act, CodeBlock.of("v"),
                        new JavaSpelling(ElementType.FLOAT, w.runtime())));
            }
            b.addStatement("y[yr + j] = $L", residual ? "v + r[rr + j]" : "v");
            b.endControlFlow();
        }
        b.endControlFlow();
    }
}
