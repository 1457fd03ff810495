package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Activations;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.java.JavaSpelling;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.java.VectorSpelling;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Activation;
import dev.kiln.compiler.ops.Conv;
import dev.kiln.compiler.ops.FusedConv;

/**
 * Channels-last depthwise FusedConv with weights in panels of two vectors ([C/P][kh][kw][1][P]):
 * each output position's channels, two vectors at a time, accumulate their taps' input
 * vectors times the taps' weight vectors. A work item is one output row. Channels
 * past the last whole panel run one at a time.
 */
final class VectorDepthwiseKernel {
    private VectorDepthwiseKernel() {
    }

    static boolean handles(Conv.Params p) {
        return p.isDepthwise();
    }

    static void emit(KernelWriter w) {
        Conv.Params p = FusedConv.params(w.node());
        int panel = 2 * w.lanes();
        int c = p.inChannels();
        long[] kernel = p.kernel();
        long[] in = p.inputSpatial();
        long[] out = p.outputSpatial();
        int batch = (int) w.in(0).type().dim(0);
        int whole = c / panel;
        int taps = (int) (kernel[0] * kernel[1]);
        w.work((int) (batch * out[0]));
        w.cost(2L * batch * out[0] * out[1] * c * taps);
        Activation act = Activation.read(w.node());
        CodeBlock.Builder b = w.code();
        b.beginControlFlow("for (int item = lo; item < hi; item++)");
        b.add("// Output row oh of image n.\n");
        b.addStatement("int n = item / $L", out[0]);
        b.addStatement("int oh = item % $L", out[0]);
        b.beginControlFlow("for (int ow = 0; ow < $L; ow++)", out[1]);
        b.addStatement("int yp = yo + (item * $L + ow) * $L", out[1], c);
        if (whole > 0) {
            b.beginControlFlow("for (int pi = 0; pi < $L; pi++)", whole);
            b.addStatement("int c0 = pi * $L", panel);
            b.addStatement("$T a0 = $L", Vectors.FLOAT_VECTOR, w.hasIn(2) ? CodeBlock.of("$T.fromArray(S, b, bo + c0)",
                    Vectors.FLOAT_VECTOR) : CodeBlock.of("$T.zero(S)", Vectors.FLOAT_VECTOR));
            b.addStatement("$T a1 = $L", Vectors.FLOAT_VECTOR, w.hasIn(2) ? CodeBlock.of(
                    "$T.fromArray(S, b, bo + c0 + L)", Vectors.FLOAT_VECTOR) : CodeBlock.of("$T.zero(S)",
                    Vectors.FLOAT_VECTOR));
            taps(b, p, in, kernel, () -> {
                b.addStatement("int wt = wo + (pi * $L + kh * $L + kw) * $L", taps, kernel[1], panel);
                b.addStatement("$T x0 = inside ? $T.fromArray(S, x, xp + c0) : $T.zero(S)", Vectors.FLOAT_VECTOR,
                        Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
                b.addStatement("$T x1 = inside ? $T.fromArray(S, x, xp + c0 + L) : $T.zero(S)", Vectors.FLOAT_VECTOR,
                        Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
                b.addStatement("a0 = x0.fma($T.fromArray(S, w, wt), a0)", Vectors.FLOAT_VECTOR);
                b.addStatement("a1 = x1.fma($T.fromArray(S, w, wt + L), a1)", Vectors.FLOAT_VECTOR);
            });
            VectorSpelling vs = w.vectorSpelling();
            for (int v = 0; v < 2; v++) {
                String acc = "a" + v;
                CodeBlock value = act == null ? CodeBlock.of("$L", acc) : Activations.apply(act, CodeBlock.of("$L", acc), vs);
                b.add(vs.takeStatements());
                if (w.hasIn(3)) {
                    value = CodeBlock.of("$L.add($T.fromArray(S, r, ro + (yp - yo) + c0$L))", value, Vectors.FLOAT_VECTOR,
                            v == 0 ? "" : " + L");
                }
                b.addStatement("$L.intoArray(y, yp + c0$L)", value, v == 0 ? "" : " + L");
            }
            b.endControlFlow();
        }
        if (c % panel != 0) {
            b.add("// Channels $L to $L, past the last whole panel, one at a time.\n", whole * panel, c - 1);
            b.beginControlFlow("for (int ch = $L; ch < $L; ch++)", whole * panel, c);
            b.addStatement("float acc = $L", w.hasIn(2) ? "b[bo + ch]" : "0f");
            taps(b, p, in, kernel, () -> {
                b.beginControlFlow("if (inside)");
                b.addStatement("acc += x[xp + ch] * w[wo + ($L * $L + kh * $L + kw) * $L + ch % $L]", whole, taps,
                        kernel[1], panel, panel);
                b.endControlFlow();
            });
            CodeBlock value = act == null ? CodeBlock.of("acc")
                    : Activations.apply(act, CodeBlock.of("acc"), new JavaSpelling(ElementType.FLOAT, w.runtime()));
            b.addStatement("y[yp + ch] = $L$L", value, w.hasIn(3) ? " + r[ro + (yp - yo) + ch]" : "");
            b.endControlFlow();
        }
        b.endControlFlow();
        b.endControlFlow();
    }

    /**
     * The loops over all taps, with {@code xp} the tap's input position and {@code inside} whether
     * it is in the image; {@code body} per tap. Every tap runs, a tap outside reading zeros (what
     * padding means): C2 on JDK 17 boxes the vector accumulators of a loop whose trip count varies
     * or whose body skips the update, on every iteration.
     */
    private static void taps(CodeBlock.Builder b, Conv.Params p, long[] in, long[] kernel, Runnable body) {
        b.beginControlFlow("for (int kh = 0; kh < $L; kh++)", kernel[0]);
        b.addStatement("int ih = $L$L + $L", IndexMath.scaled("oh", p.strides()[0]), IndexMath.plus(-p.padsBegin()[0]),
                IndexMath.scaled("kh", p.dilations()[0]));
        b.addStatement("boolean rowInside = ih >= 0 && ih < $L", in[0]);
        b.beginControlFlow("for (int kw = 0; kw < $L; kw++)", kernel[1]);
        b.addStatement("int iw = $L$L + $L", IndexMath.scaled("ow", p.strides()[1]), IndexMath.plus(-p.padsBegin()[1]),
                IndexMath.scaled("kw", p.dilations()[1]));
        b.addStatement("boolean inside = rowInside && iw >= 0 && iw < $L", in[1]);
        b.addStatement("int xp = xo + ((n * $L + ih) * $L + iw) * $L", in[0], in[1], p.inChannels());
        body.run();
        b.endControlFlow();
        b.endControlFlow();
    }
}
