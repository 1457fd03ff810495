package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaSpelling;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Attention;
import dev.kiln.compiler.target.TargetProfile;

/**
 * Kiln's Attention: what PyTorch exports as Reshape, Transpose, three Slices,
 * Transpose, MatMul, Div, Softmax, MatMul, Transpose and Reshape, read straight from
 * the QKV convolution's output and written straight in image form. One work item is
 * one query row of one head of one image, computed start to end by one thread, so
 * results do not depend on the thread count. The row's scores live in the part's
 * workspace (one float per key).
 *
 * <p>Both layouts run the same loops; only the strides differ. The inner loops run over
 * keys, which are contiguous channels first (the layout fuse-attention makes).
 */
public final class AttentionKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public long scratchFloats(Node node, TargetProfile profile) {
        return Attention.params(node).tokens();
    }

    @Override
    public void emit(KernelWriter w) {
        Attention.Params p = Attention.params(w.node());
        int tokens = p.tokens();
        int d = p.headDim();
        int heads = p.heads();
        long inImage = (long) tokens * p.inChannels();
        long outImage = (long) tokens * p.outChannels();
        // Element (channel c, token t) of an image is at c * channelStride + t * tokenStride.
        long xChannel = p.channelsLast() ? 1 : tokens;
        long xToken = p.channelsLast() ? p.inChannels() : 1;
        long yChannel = p.channelsLast() ? 1 : tokens;
        long yToken = p.channelsLast() ? p.outChannels() : 1;
        w.work(p.batch() * heads * tokens);
        w.cost((long) p.batch() * heads * tokens * (4L * tokens * d + 10L * tokens));
        JavaSpelling f = new JavaSpelling(ElementType.FLOAT, w.runtime());
        CodeBlock score = CodeBlock.of("ws[wso + j]");
        CodeBlock.Builder k = w.code();
        k.add("// Per head: Y = softmax($L * Q K^T) V, softmax over keys; Q, K, V are the head's channels\n",
                f.literal(p.scale()));
        k.add("// [0, $L), [$L, $L) and [$L, $L) of X; Y's channels of head h are h * $L + [0, $L).\n",
                d, d, 2 * d, 2 * d, 3 * d, d, d);
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.addStatement("int n = item / $L", heads * tokens);
        if (heads == 1) {
            k.addStatement("int head = 0");
        } else {
            k.addStatement("int head = item / $L % $L", tokens, heads);
        }
        k.addStatement("int i = item % $L", tokens);
        k.addStatement("int qb = xo + n * $L + head * $L", inImage, 3L * d * xChannel);
        k.addStatement("int kb = qb + $L", d * xChannel);
        k.addStatement("int vb = qb + $L", 2 * d * xChannel);
        k.addStatement("int yb = yo + n * $L + head * $L + $L", outImage, d * yChannel, IndexMath.scaled("i", yToken));
        k.add("// Scores of query i against every key j: sum over c of Q[i][c] * K[j][c].\n");
        k.beginControlFlow("for (int j = 0; j < $L; j++)", tokens);
        k.addStatement("$L = 0f", score);
        k.endControlFlow();
        k.beginControlFlow("for (int c = 0; c < $L; c++)", d);
        k.addStatement("float q = x[qb + $L + $L]", IndexMath.scaled("c", xChannel), IndexMath.scaled("i", xToken));
        k.addStatement("int kr = kb + $L", IndexMath.scaled("c", xChannel));
        k.beginControlFlow("for (int j = 0; j < $L; j++)", tokens);
        k.addStatement("$L += q * x[kr + $L]", score, IndexMath.scaled("j", xToken));
        k.endControlFlow();
        k.endControlFlow();
        k.add("// Softmax over the keys, the largest score subtracted first so that exp cannot overflow.\n");
        k.addStatement("float max = Float.NEGATIVE_INFINITY");
        k.beginControlFlow("for (int j = 0; j < $L; j++)", tokens);
        k.addStatement("float s = $L", f.mul(score, f.literal(p.scale())));
        k.addStatement("$L = s", score);
        k.addStatement("max = $L", f.max(CodeBlock.of("max"), CodeBlock.of("s")));
        k.endControlFlow();
        k.addStatement("float sum = 0f");
        k.beginControlFlow("for (int j = 0; j < $L; j++)", tokens);
        k.addStatement("float e = $L", f.exp(f.sub(score, CodeBlock.of("max"))));
        k.addStatement("$L = e", score);
        k.addStatement("sum += e");
        k.endControlFlow();
        k.addStatement("float inv = 1f / sum");
        k.add("// Y[i][c] = sum over keys j of weight j * V[j][c].\n");
        k.beginControlFlow("for (int c = 0; c < $L; c++)", d);
        k.addStatement("int vr = vb + $L", IndexMath.scaled("c", xChannel));
        k.addStatement("float acc = 0f");
        k.beginControlFlow("for (int j = 0; j < $L; j++)", tokens);
        k.addStatement("acc += $L * x[vr + $L]", score, IndexMath.scaled("j", xToken));
        k.endControlFlow();
        k.addStatement("y[yb + $L] = acc * inv", IndexMath.scaled("c", yChannel));
        k.endControlFlow();
        k.endControlFlow();
    }
}
