package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaSpelling;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Attention;
import dev.kiln.compiler.target.TargetProfile;

/**
 * Kiln's channels-last Attention, a vector of channels at a time: there a token's
 * channels are contiguous, so a score is a dot product of two rows (Q's and K's,
 * {@code d / L} vector products, whose lanes are then summed in lane order through the
 * workspace: {@code reduceLanes}' order is unspecified, and differs between the JIT's
 * code and the interpreter's) and the output row is a
 * sum of V's rows scaled by the weights ({@code d / L} vector accumulators). The
 * softmax between them runs over the keys one at a time, as in the scalar kernel. One
 * work item is one query row of one head of one image, as there; the row's scores live
 * in the part's workspace.
 */
public final class VectorAttentionKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public String vectorScope(String op) {
        return "float, channels-last";
    }

    @Override
    public boolean handles(Node node) {
        return Attention.params(node).channelsLast() && node.input(0).type().elementType() == ElementType.FLOAT;
    }

    @Override
    public long scratchFloats(Node node, TargetProfile profile) {
        return Attention.params(node).tokens() + profile.vectorFloats();
    }

    @Override
    public void emit(KernelWriter w) {
        Attention.Params p = Attention.params(w.node());
        int tokens = p.tokens();
        int d = p.headDim();
        int heads = p.heads();
        int vectors = d / w.lanes();
        int whole = vectors * w.lanes();
        w.work(p.batch() * heads * tokens);
        w.cost((long) p.batch() * heads * tokens * (4L * tokens * d + 10L * tokens));
        JavaSpelling f = new JavaSpelling(ElementType.FLOAT, w.runtime());
        CodeBlock.Builder k = w.code();
        k.add("// Per head: Y = softmax($L * Q K^T) V over keys; Q, K, V are channels [0, $L), [$L, $L), [$L, $L)\n",
                f.literal(p.scale()), d, d, 2 * d, 2 * d, 3 * d);
        k.add("// of the head's $L channels of each token; Y's channels of head h are h * $L + [0, $L).\n", 3 * d, d, d);
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.addStatement("int n = item / $L", heads * tokens);
        k.addStatement("int head = $L", heads == 1 ? "0" : "item / " + tokens + " % " + heads);
        k.addStatement("int i = item % $L", tokens);
        k.addStatement("int image = xo + n * $L + head * $L", (long) tokens * p.inChannels(), 3L * d);
        k.addStatement("int q = image + i * $L", p.inChannels());
        k.addStatement("int yr = yo + (n * $L + i) * $L + head * $L", tokens, p.outChannels(), d);
        k.add("// Scores of query i against every key j, the largest remembered for the softmax.\n");
        k.addStatement("float max = Float.NEGATIVE_INFINITY");
        k.beginControlFlow("for (int j = 0; j < $L; j++)", tokens);
        k.addStatement("int kr = image + j * $L + $L", p.inChannels(), d);
        k.addStatement("$T dot = $T.zero(S)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        k.beginControlFlow("for (int c = 0; c < $L; c += L)", whole);
        k.addStatement("dot = $T.fromArray(S, x, q + c).fma($T.fromArray(S, x, kr + c), dot)", Vectors.FLOAT_VECTOR,
                Vectors.FLOAT_VECTOR);
        k.endControlFlow();
        k.addStatement("dot.intoArray(ws, wso + $L)", tokens);
        k.addStatement("float s = $L", Vectors.laneSum(tokens, w.lanes()));
        if (whole < d) {
            k.beginControlFlow("for (int c = $L; c < $L; c++)", whole, d);
            k.addStatement("s += x[q + c] * x[kr + c]");
            k.endControlFlow();
        }
        k.addStatement("s = $L", f.mul(CodeBlock.of("s"), f.literal(p.scale())));
        k.addStatement("ws[wso + j] = s");
        k.addStatement("max = $L", f.max(CodeBlock.of("max"), CodeBlock.of("s")));
        k.endControlFlow();
        k.add("// Softmax over the keys, the largest score subtracted first so that exp cannot overflow.\n");
        k.addStatement("float sum = 0f");
        k.beginControlFlow("for (int j = 0; j < $L; j++)", tokens);
        k.addStatement("float e = $L", f.exp(f.sub(CodeBlock.of("ws[wso + j]"), CodeBlock.of("max"))));
        k.addStatement("ws[wso + j] = e");
        k.addStatement("sum += e");
        k.endControlFlow();
        k.addStatement("float inv = 1f / sum");
        k.add("// Y[i] = the sum over keys j of weight j times V[j], $L channels a vector.\n", "L");
        k.beginControlFlow("for (int c = 0; c < $L; c += L)", whole);
        k.addStatement("$T acc = $T.zero(S)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        k.beginControlFlow("for (int j = 0; j < $L; j++)", tokens);
        k.addStatement("acc = $T.fromArray(S, x, image + j * $L + $L + c).fma($T.broadcast(S, ws[wso + j]), acc)",
                Vectors.FLOAT_VECTOR, p.inChannels(), 2 * d, Vectors.FLOAT_VECTOR);
        k.endControlFlow();
        k.addStatement("acc.mul(inv).intoArray(y, yr + c)");
        k.endControlFlow();
        if (whole < d) {
            k.beginControlFlow("for (int c = $L; c < $L; c++)", whole, d);
            k.addStatement("float acc = 0f");
            k.beginControlFlow("for (int j = 0; j < $L; j++)", tokens);
            k.addStatement("acc += ws[wso + j] * x[image + j * $L + $L + c]", p.inChannels(), 2 * d);
            k.endControlFlow();
            k.addStatement("y[yr + c] = acc * inv");
            k.endControlFlow();
        }
        k.endControlFlow();
    }
}
