package dev.kiln.codegen.java.kernels;

import dev.kiln.codegen.expr.IndexMath;
import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Activations;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaSpelling;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Activation;
import dev.kiln.compiler.ops.Conv;
import dev.kiln.compiler.ops.FusedConv;
import dev.kiln.compiler.target.TargetProfile;

/**
 * Conv and Kiln's FusedConv for float tensors with one or two spatial axes.
 * Pointwise convolutions (1x1, stride 1, no padding, one group) run as a matrix
 * product over blocks of four output channels and tiles of positions; every other
 * convolution runs directly, one output channel plane per work item, with the
 * padding handled by loop bounds rather than per-element checks. The epilogue
 * (activation, residual) is applied while the result is still in cache.
 */
public final class ConvKernel implements JavaKernel {
    /** Output channels per pointwise work item. */
    private static final int ROWS = 4;
    /** Positions per pointwise tile: four rows of this many floats stay in L1. */
    private static final int TILE = 512;

    @Override
    public String[] inputNames() {
        return new String[] {"x", "w", "b", "r"};
    }

    /** Workspace for the channels-last block kernel (see {@link ChannelsLastBlockConv}); the others need none. */
    @Override
    public long scratchFloats(Node node, TargetProfile profile) {
        return ChannelsLastBlockConv.handles(node) ? ChannelsLastBlockConv.scratchFloats(node) : 0;
    }

    @Override
    public void emit(KernelWriter w) {
        if (w.in(0).elementType() != ElementType.FLOAT) {
            throw new CompileException(w.node().describe() + ": the java back end runs Conv on float only, not "
                    + w.in(0).elementType().onnxName());
        }
        Conv.Params p = FusedConv.params(w.node());
        if (p.spatialRank() > 2) {
            throw new CompileException(w.node().describe() + ": the java back end runs Conv with 1 or 2 spatial axes, not "
                    + p.spatialRank());
        }
        Geometry g = Geometry.of(p);
        long n = w.in(0).type().dim(0);
        if (ChannelsLastBlockConv.handles(w.node())) {
            ChannelsLastBlockConv.emit(w, p, g, (int) n);
            return;
        }
        if (FusedConv.layout(w.node()).channelsLast()) {
            ChannelsLastConvKernel.emit(w, p, g, (int) n);
            return;
        }
        w.cost(n * p.outChannels() * g.outSize() * (p.inChannels() / p.group()) * g.kernelSize() * 2);
        if (g.isPointwise() && p.group() == 1) {
            pointwise(w, p, g, (int) n);
        } else {
            direct(w, p, g, (int) n);
        }
    }

    /**
     * Y[m][q] = sum_c W[m][c] X[c][q], four output channels at a time. Only the code a block can
     * take is written: whole blocks of four when M divides evenly, a partial block alone when M < 4.
     */
    private static void pointwise(KernelWriter w, Conv.Params p, Geometry g, int n) {
        int m = p.outChannels();
        int c = p.inChannels();
        int q = (int) g.outSize();
        int blocks = (m + ROWS - 1) / ROWS;
        int tile = Math.min(q, TILE);
        boolean wholeBlocks = m >= ROWS;
        boolean partialBlock = m % ROWS != 0;
        w.work(n * blocks);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.addStatement("int n = item / $L", blocks);
        k.addStatement("int m0 = (item % $L) * $L", blocks, ROWS);
        if (partialBlock) {
            k.addStatement("int rows = Math.min($L, $L - m0)", ROWS, m);
        }
        k.addStatement("int xb = xo + n * $L", (long) c * q);
        k.addStatement("int yb = yo + (n * $L + m0) * $L", m, q);
        k.beginControlFlow("for (int t0 = 0; t0 < $L; t0 += $L)", q, tile);
        k.addStatement("int t1 = Math.min($L, t0 + $L)", q, tile);
        if (wholeBlocks && partialBlock) {
            k.beginControlFlow("if (rows == $L)", ROWS);
        }
        if (wholeBlocks) {
            wholeBlock(w, k, c, q);
        }
        if (wholeBlocks && partialBlock) {
            k.nextControlFlow("else");
        }
        if (partialBlock) {
            partialBlock(w, k, c, q);
        }
        if (wholeBlocks && partialBlock) {
            k.endControlFlow();
        }
        epilogue(w, k, partialBlock ? "rows" : String.valueOf(ROWS), q, "t0", "t1");
        k.endControlFlow();
        k.endControlFlow();
    }

    /** Four output channels m0 .. m0+3 over positions [t0, t1): each input value read once for all four. */
    private static void wholeBlock(KernelWriter w, CodeBlock.Builder k, int c, int q) {
        for (int r = 0; r < ROWS; r++) {
            k.addStatement("float bias$L = $L", r, w.hasIn(2) ? CodeBlock.of("b[bo + m0$L]", IndexMath.plus(r)) : "0f");
        }
        k.beginControlFlow("for (int q = t0; q < t1; q++)");
        for (int r = 0; r < ROWS; r++) {
            k.addStatement("y[yb$L + q] = bias$L", IndexMath.plus((long) r * q), r);
        }
        k.endControlFlow();
        k.beginControlFlow("for (int ci = 0; ci < $L; ci++)", c);
        for (int r = 0; r < ROWS; r++) {
            k.addStatement("float w$L = w[wo + $L * $L + ci]", r, r == 0 ? "m0" : "(m0 + " + r + ")", c);
        }
        k.addStatement("int xr = xb + ci * $L", q);
        k.beginControlFlow("for (int q = t0; q < t1; q++)");
        k.addStatement("float v = x[xr + q]");
        for (int r = 0; r < ROWS; r++) {
            k.addStatement("y[yb$L + q] += w$L * v", IndexMath.plus((long) r * q), r);
        }
        k.endControlFlow();
        k.endControlFlow();
    }

    /** The last block, of fewer than four output channels ({@code rows}), one channel at a time. */
    private static void partialBlock(KernelWriter w, CodeBlock.Builder k, int c, int q) {
        k.add("// The last block has fewer than $L output channels.\n", ROWS);
        k.beginControlFlow("for (int row = 0; row < rows; row++)");
        k.addStatement("float bias = $L", w.hasIn(2) ? "b[bo + m0 + row]" : "0f");
        k.addStatement("int yr = yb + row * $L", q);
        k.beginControlFlow("for (int q = t0; q < t1; q++)");
        k.addStatement("y[yr + q] = bias");
        k.endControlFlow();
        k.beginControlFlow("for (int ci = 0; ci < $L; ci++)", c);
        k.addStatement("float wv = w[wo + (m0 + row) * $L + ci]", c);
        k.addStatement("int xr = xb + ci * $L", q);
        k.beginControlFlow("for (int q = t0; q < t1; q++)");
        k.addStatement("y[yr + q] += wv * x[xr + q]");
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
    }

    /** One output channel plane per work item, accumulated kernel tap by kernel tap. */
    private static void direct(KernelWriter w, Conv.Params p, Geometry g, int n) {
        int m = p.outChannels();
        int cg = p.inChannels() / p.group();
        int mg = m / p.group();
        int outSize = (int) g.outSize();
        w.work(n * m);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.addStatement("int n = item / $L", m);
        k.addStatement("int m = item % $L", m);
        k.addStatement("int yb = yo + item * $L", outSize);
        k.addStatement("float bias = $L", w.hasIn(2) ? "b[bo + m]" : "0f");
        k.beginControlFlow("for (int q = 0; q < $L; q++)", outSize);
        k.addStatement("y[yb + q] = bias");
        k.endControlFlow();
        k.beginControlFlow("for (int ci = 0; ci < $L; ci++)", cg);
        String group = p.group() == 1 ? "" : " + m / " + mg + " * " + cg;
        k.addStatement("int xb = xo + (n * $L$L + ci) * $L", p.inChannels(), group, g.inSize());
        k.addStatement("int wb = wo + (m * $L + ci) * $L", cg, g.kernelSize());
        k.beginControlFlow("for (int kh = 0; kh < $L; kh++)", g.kh());
        rowRange(k, "oh", "kh", g.padTop(), g.dilH(), g.strideH(), g.inH(), g.outH());
        k.beginControlFlow("for (int kw = 0; kw < $L; kw++)", g.kw());
        k.addStatement("float wv = w[wb + kh * $L + kw]", g.kw());
        rowRange(k, "ow", "kw", g.padLeft(), g.dilW(), g.strideW(), g.inW(), g.outW());
        k.beginControlFlow("for (int oh = ohLo; oh < ohHi; oh++)");
        k.addStatement("int xr = xb + ($L$L + $L) * $L$L + $L", IndexMath.scaled("oh", g.strideH()),
                IndexMath.plus(-g.padTop()), IndexMath.scaled("kh", g.dilH()), g.inW(), IndexMath.plus(-g.padLeft()),
                IndexMath.scaled("kw", g.dilW()));
        k.addStatement("int yr = yb + oh * $L", g.outW());
        k.beginControlFlow("for (int ow = owLo; ow < owHi; ow++)");
        k.addStatement("y[yr + ow] += wv * x[xr + $L]", IndexMath.scaled("ow", g.strideW()));
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
        k.addStatement("int rows = 1");
        epilogue(w, k, "rows", outSize, "0", String.valueOf(outSize));
        k.endControlFlow();
    }

    /**
     * Declares {@code oLo, oHi}: the indices o in [0, out) for which o*stride - pad + tap*dil lies
     * in [0, in), for the current tap. (ConvTranspose uses it with the roles of in and out swapped.)
     */
    static void rowRange(CodeBlock.Builder k, String o, String tap, long pad, long dil, long stride, long in, long out) {
        k.addStatement("int $LFirst = $L - $L", o, pad, IndexMath.scaled(tap, dil));
        k.addStatement("int $LLo = $LFirst > 0 ? $L : 0", o, o, IndexMath.ceilDiv(o + "First", stride));
        k.addStatement("int $LLast = $L - $L", o, in - 1 + pad, IndexMath.scaled(tap, dil));
        k.addStatement("int $LHi = $LLast < 0 ? 0 : Math.min($L, $L + 1)", o, o, out, IndexMath.div(o + "Last", stride));
    }

    /**
     * Applies the activation and adds the residual to rows {@code m0 .. m0+rows} of the output,
     * positions {@code [from, to)}; nothing when the node has neither.
     */
    private static void epilogue(KernelWriter w, CodeBlock.Builder k, String rows, long rowLength, String from,
                                 String to) {
        Activation act = Activation.read(w.node());
        boolean residual = w.hasIn(3);
        if (act == null && !residual) {
            return;
        }
        k.add("// Epilogue:$L$L.\n", act == null ? "" : " " + act, residual ? (act == null ? "" : ",") + " add the residual" : "");
        k.beginControlFlow("for (int row = 0; row < $L; row++)", rows);
        k.addStatement("int yr = yb + row * $L", rowLength);
        if (residual) {
            k.addStatement("int rr = ro + (yr - yo)");
        }
        k.beginControlFlow("for (int q = $L; q < $L; q++)", from, to);
        k.addStatement("float v = y[yr + q]");
        if (act != null) {
            k.addStatement("v = $L", Activations.apply(act, CodeBlock.of("v"), new JavaSpelling(ElementType.FLOAT, w.runtime())));
        }
        if (residual) {
            k.addStatement("v += r[rr + q]");
        }
        k.addStatement("y[yr + q] = v");
        k.endControlFlow();
        k.endControlFlow();
    }

    /** Conv params as 2-D numbers (1-D convolutions get a height of 1). */
    record Geometry(long inH, long inW, long outH, long outW, long kh, long kw, long strideH, long strideW,
                    long padTop, long padLeft, long dilH, long dilW) {
        static Geometry of(Conv.Params p) {
            boolean two = p.spatialRank() == 2;
            int last = p.spatialRank() - 1;
            return new Geometry(two ? p.inputSpatial()[0] : 1, p.inputSpatial()[last],
                    two ? p.outputSpatial()[0] : 1, p.outputSpatial()[last],
                    two ? p.kernel()[0] : 1, p.kernel()[last], two ? p.strides()[0] : 1, p.strides()[last],
                    two ? p.padsBegin()[0] : 0, p.padsBegin()[last], two ? p.dilations()[0] : 1, p.dilations()[last]);
        }

        long inSize() {
            return inH * inW;
        }

        long outSize() {
            return outH * outW;
        }

        long kernelSize() {
            return kh * kw;
        }

        boolean isPointwise() {
            return kh == 1 && kw == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0
                    && inH == outH && inW == outW;
        }
    }
}
