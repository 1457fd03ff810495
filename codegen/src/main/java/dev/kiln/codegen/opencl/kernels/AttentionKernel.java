package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Attention;

/**
 * Kiln's Attention (what fuse-attention makes of LowFormer's Reshape, Transpose, Slices,
 * MatMul, Div, Softmax, MatMul, Transpose, Reshape), read straight from the QKV
 * convolution's output and written straight in image form, as the java back end's kernel
 * does. One work-group computes one query row of one head of one image: its items share
 * the keys, keep the row's scores in local memory, find their maximum and sum as a
 * {@link RowReduction}, then share the head's channels for the weighted sum of V.
 * Both layouts run the same code; only the strides differ.
 */
public final class AttentionKernel implements ClKernel {
    /**
     * Keys per row at most: the scores live in local memory, and 16 KB of it is half of
     * what OpenCL 1.2 promises every device (the reductions need a little more).
     */
    static final int MAX_TOKENS = 4096;

    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        Attention.Params p = Attention.params(w.node());
        if (w.in(0).elementType() != ElementType.FLOAT) {
            throw new CompileException(w.node().describe() + ": the opencl back end runs Attention on float only");
        }
        int tokens = p.tokens();
        if (tokens > MAX_TOKENS) {
            throw new CompileException(w.node().describe() + ": the opencl back end's Attention keeps a row's scores in"
                    + " local memory, at most " + MAX_TOKENS + " keys; this one has " + p.height() + " x " + p.width()
                    + " = " + tokens);
        }
        int d = p.headDim();
        int heads = p.heads();
        long inImage = (long) tokens * p.inChannels();
        long outImage = (long) tokens * p.outChannels();
        // Element (channel c, token t) of an image is at c * channelStride + t * tokenStride.
        long xChannel = p.channelsLast() ? 1 : tokens;
        long xToken = p.channelsLast() ? p.inChannels() : 1;
        long yChannel = p.channelsLast() ? 1 : tokens;
        long yToken = p.channelsLast() ? p.outChannels() : 1;
        RowReduction r = RowReduction.begin(w, (long) p.batch() * heads * tokens, tokens, "float");
        CodeBlock.Builder k = w.code();
        String scale = ClTypes.literal(ElementType.FLOAT, p.scale());
        k.add("// Per head: Y = softmax($L * Q K^T) V, softmax over keys; Q, K, V are the head's channels\n", scale);
        k.add("// [0, $L), [$L, $L) and [$L, $L) of X; Y's channels of head h are h * $L + [0, $L).\n",
                d, d, 2 * d, 2 * d, 3 * d, d, d);
        k.add("// row = (n * $L + head) * $L + i: query i of one head of image n. Indices are from x's and y's offsets.\n",
                heads, tokens);
        k.addStatement("__local float score[$L]", tokens);
        k.addStatement("int n = row / $L", heads * tokens);
        k.addStatement(heads == 1 ? "int head = 0" : "int head = row / " + tokens + " % " + heads);
        k.addStatement("int i = row % $L", tokens);
        k.addStatement("int qb = n * $L + head * $L", inImage, 3L * d * xChannel);
        k.addStatement("int kb = qb + $L", d * xChannel);
        k.addStatement("int vb = qb + $L", 2 * d * xChannel);
        k.addStatement("int yb = n * $L + head * $L + $L", outImage, d * yChannel, IndexMath.scaled("i", yToken));
        k.add("// The scaled scores of query i against this item's keys j, and their maximum.\n");
        k.addStatement("float top = -INFINITY");
        r.share(k, "j", tokens);
        k.addStatement("float dot = 0.0f");
        k.beginControlFlow("for (int c = 0; c < $L; c++)", d);
        k.addStatement("dot += $L * $L", w.in(0).load("qb + " + IndexMath.scaled("c", xChannel) + " + "
                + IndexMath.scaled("i", xToken)), w.in(0).load("kb + " + IndexMath.scaled("c", xChannel) + " + "
                + IndexMath.scaled("j", xToken)));
        k.endControlFlow();
        k.addStatement("dot *= $L", scale);
        k.addStatement("score[j] = dot");
        k.addStatement("top = kiln_max(top, dot)");
        k.endControlFlow();
        r.combine(k, "top", "kiln_max");
        k.add("// Softmax over the keys, the largest score subtracted first so that exp cannot overflow.\n");
        k.addStatement("float sum = 0.0f");
        r.share(k, "j", tokens);
        k.addStatement("float e = exp(score[j] - top)");
        k.addStatement("score[j] = e");
        k.addStatement("sum += e");
        k.endControlFlow();
        r.combine(k, "sum", null);
        k.addStatement("float inv = 1.0f / sum");
        k.add("// Y[i][c] = sum over keys j of weight j * V[j][c]; the items share the head's channels.\n");
        r.share(k, "c", d);
        k.addStatement("int vr = vb + $L", IndexMath.scaled("c", xChannel));
        k.addStatement("float acc = 0.0f");
        k.beginControlFlow("for (int j = 0; j < $L; j++)", tokens);
        k.addStatement("acc += score[j] * $L", w.in(0).load("vr + " + IndexMath.scaled("j", xToken)));
        k.endControlFlow();
        k.addStatement("$L", w.out(0).store("yb + " + IndexMath.scaled("c", yChannel), CodeBlock.of("acc * inv")));
        k.endControlFlow();
    }
}
