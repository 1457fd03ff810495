package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Activations;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.java.JavaSpelling;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Activation;
import dev.kiln.compiler.ops.Conv;
import dev.kiln.compiler.ops.FusedConv;

/**
 * FusedConv with {@code channels_last}: X [N, H, W, C], Y [N, OH, OW, M], in scalar
 * Java, for the convolutions {@link ChannelsLastBlockConv} does not take (ConvKernel
 * chooses). One work item is one output row. Depthwise convolutions
 * (weights packed in panels) multiply a run of channels of one position per tap;
 * convolutions of other group counts keep ONNX's weight order and run channel by channel.
 */
final class ChannelsLastConvKernel {
    private ChannelsLastConvKernel() {
    }

    static void emit(KernelWriter w, Conv.Params p, ConvKernel.Geometry g, int n) {
        FusedConv.Layout layout = FusedConv.layout(w.node());
        int m = p.outChannels();
        int c = p.inChannels();
        long rowLength = g.outW() * m;
        w.work((int) (n * g.outH()));
        w.cost(n * m * g.outSize() * (c / p.group()) * g.kernelSize() * 2);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.add("// Output row oh of image n: $L positions of $L channels.\n", g.outW(), m);
        k.addStatement("int n = item / $L", g.outH());
        k.addStatement("int oh = item % $L", g.outH());
        k.addStatement("int yr = yo + item * $L", rowLength);
        k.beginControlFlow("for (int i = 0; i < $L; i++)", rowLength);
        k.addStatement("y[yr + i] = $L", w.hasIn(2) ? "b[bo + i % " + m + "]" : "0f");
        k.endControlFlow();
        k.beginControlFlow("for (int kh = 0; kh < $L; kh++)", g.kh());
        k.addStatement("int ih = $L$L + $L", IndexMath.scaled("oh", g.strideH()), IndexMath.plus(-g.padTop()),
                IndexMath.scaled("kh", g.dilH()));
        k.beginControlFlow("if (ih < 0 || ih >= $L)", g.inH());
        k.addStatement("continue");
        k.endControlFlow();
        k.beginControlFlow("for (int kw = 0; kw < $L; kw++)", g.kw());
        ConvKernel.rowRange(k, "ow", "kw", g.padLeft(), g.dilW(), g.strideW(), g.inW(), g.outW());
        k.addStatement("int xr = xo + (n * $L + ih) * $L", g.inH(), g.inW() * c);
        if (layout.packed()) {
            depthwiseTap(k, p, g, layout.panel());
        } else {
            unpackedTap(k, p, g);
        }
        k.endControlFlow();
        k.endControlFlow();
        epilogue(w, k, rowLength, m);
        k.endControlFlow();
    }

    /** One tap of a depthwise convolution, weights in panels of P: [panel][kh][kw][1][j]. */
    private static void depthwiseTap(CodeBlock.Builder k, Conv.Params p, ConvKernel.Geometry g, int panel) {
        int m = p.outChannels();
        int panels = (m + panel - 1) / panel;
        long panelStride = g.kernelSize() * panel;
        k.addStatement("int tap = kh * $L + kw", g.kw());
        k.beginControlFlow("for (int pi = 0; pi < $L; pi++)", panels);
        k.addStatement("int m0 = pi * $L", panel);
        k.addStatement("int width = $L", m % panel == 0 ? String.valueOf(panel) : "Math.min(" + panel + ", " + m + " - m0)");
        k.addStatement("int wt = wo + pi * $L + tap * $L", panelStride, panel);
        k.beginControlFlow("for (int ow = owLo; ow < owHi; ow++)");
        k.addStatement("int xp = xr + ($L$L + $L) * $L", IndexMath.scaled("ow", g.strideW()), IndexMath.plus(-g.padLeft()),
                IndexMath.scaled("kw", g.dilW()), p.inChannels());
        k.addStatement("int yp = yr + ow * $L + m0", m);
        k.add("// Depthwise: output channel m reads input channel m.\n");
        k.beginControlFlow("for (int j = 0; j < width; j++)");
        k.addStatement("y[yp + j] += x[xp + m0 + j] * w[wt + j]");
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
    }

    /** One tap with weights in ONNX's order [M][C/group][kh][kw], any group count. */
    private static void unpackedTap(CodeBlock.Builder k, Conv.Params p, ConvKernel.Geometry g) {
        int m = p.outChannels();
        int cg = p.inChannels() / p.group();
        int mg = m / p.group();
        k.beginControlFlow("for (int ow = owLo; ow < owHi; ow++)");
        k.addStatement("int xp = xr + ($L$L + $L) * $L", IndexMath.scaled("ow", g.strideW()), IndexMath.plus(-g.padLeft()),
                IndexMath.scaled("kw", g.dilW()), p.inChannels());
        k.addStatement("int yp = yr + ow * $L", m);
        k.beginControlFlow("for (int mo = 0; mo < $L; mo++)", m);
        k.addStatement("int xg = xp + mo / $L * $L", mg, cg);
        k.addStatement("int wr = wo + mo * $L + kh * $L + kw", cg * g.kernelSize(), g.kw());
        k.addStatement("float sum = 0f");
        k.beginControlFlow("for (int ci = 0; ci < $L; ci++)", cg);
        k.addStatement("sum += x[xg + ci] * w[wr + ci * $L]", g.kernelSize());
        k.endControlFlow();
        k.addStatement("y[yp + mo] += sum");
        k.endControlFlow();
        k.endControlFlow();
    }

    /** The activation and the residual, over the row just written. */
    private static void epilogue(KernelWriter w, CodeBlock.Builder k, long rowLength, int m) {
        Activation act = Activation.read(w.node());
        boolean residual = w.hasIn(3);
        if (act == null && !residual) {
            return;
        }
        k.add("// Epilogue:$L$L.\n", act == null ? "" : " " + act, residual ? (act == null ? "" : ",") + " add the residual" : "");
        k.beginControlFlow("for (int i = 0; i < $L; i++)", rowLength);
        k.addStatement("float v = y[yr + i]");
        if (act != null) {
            k.addStatement("v = $L", Activations.apply(act, CodeBlock.of("v"), new JavaSpelling(ElementType.FLOAT,
                    w.runtime())));
        }
        if (residual) {
            k.addStatement("v += r[ro + (yr - yo) + i]");
        }
        k.addStatement("y[yr + i] = v");
        k.endControlFlow();
    }
}
