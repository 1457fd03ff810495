package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Normalization;
import dev.kiln.compiler.target.TargetProfile;

/**
 * Kiln's channels-last GroupNormalization of one group (LowFormer's norms: statistics
 * over all positions and channels of an image, then a scale and bias per channel), a
 * vector at a time. The image is contiguous, so the mean and the variance are sums over
 * one flat run: four vector accumulators take every fourth vector, and their lanes are
 * added in a fixed order (through the workspace, in double) at the end, so the result
 * is the same on every call. Then y = (x - mean) * inv * scale[c] + bias[c], the
 * channels of each position as vectors. A work item is one image.
 */
public final class VectorGroupNormKernel implements JavaKernel {
    /** Vector accumulators of the sums: enough to hide the latency of an add. */
    private static final int ACCUMULATORS = 4;

    @Override
    public String[] inputNames() {
        return new String[] {"x", "scale", "bias"};
    }

    @Override
    public String vectorScope(String op) {
        return "float, one group";
    }

    @Override
    public boolean handles(Node node) {
        return Normalization.GroupNormalization.groups(node) == 1
                && node.input(0).type().elementType() == ElementType.FLOAT;
    }

    @Override
    public long scratchFloats(Node node, TargetProfile profile) {
        return profile.vectorFloats();
    }

    @Override
    public void emit(KernelWriter w) {
        long[] d = w.in(0).type().dims();
        int channels = (int) d[d.length - 1];
        int image = (int) (w.in(0).type().size() / d[0]);
        int positions = image / channels;
        int lanes = w.lanes();
        int step = ACCUMULATORS * lanes;
        int blocked = image / step * step;
        int whole = image / lanes * lanes;
        int wholeChannels = channels / lanes * lanes;
        KernelWriter.Operand x = w.in(0);
        KernelWriter.Operand scale = w.in(1);
        KernelWriter.Operand bias = w.in(2);
        KernelWriter.Operand y = w.out(0);
        w.work((int) d[0]);
        w.cost(4L * d[0] * image);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.add("// Image item: $L positions x $L channels.\n", positions, channels);
        k.addStatement("int base = $L + item * $L", x.offset(), image);
        k.addStatement("int out = $L + item * $L", y.offset(), image);
        k.add("// The mean: the sum of the image, $L accumulators, their lanes added in order.\n", ACCUMULATORS);
        sum(k, x.array(), "s", false, blocked, whole, image, lanes);
        k.addStatement("float mean = (float) (sum / $L)", image);
        k.addStatement("$T m = $T.broadcast(S, mean)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        k.add("// The variance: the sum of squared deviations from the mean, the same way.\n");
        sum(k, x.array(), "q", true, blocked, whole, image, lanes);
        k.addStatement("float inv = (float) (1.0 / Math.sqrt(sum / $L + $L))", image,
                (double) Normalization.epsilon(w.node()));
        k.addStatement("$T iv = $T.broadcast(S, inv)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        k.beginControlFlow("for (int p = 0; p < $L; p++)", positions);
        k.addStatement("int xp = base + p * $L", channels);
        k.addStatement("int yp = out + p * $L", channels);
        if (wholeChannels > 0) {
            k.beginControlFlow("for (int c = 0; c < $L; c += L)", wholeChannels);
            k.addStatement("$T.fromArray(S, $L, xp + c).sub(m).mul(iv).fma($T.fromArray(S, $L, $L + c), "
                    + "$T.fromArray(S, $L, $L + c)).intoArray($L, yp + c)", Vectors.FLOAT_VECTOR, x.array(),
                    Vectors.FLOAT_VECTOR, scale.array(), scale.offset(), Vectors.FLOAT_VECTOR, bias.array(),
                    bias.offset(), y.array());
            k.endControlFlow();
        }
        if (wholeChannels < channels) {
            k.beginControlFlow("for (int c = $L; c < $L; c++)", wholeChannels, channels);
            k.addStatement("$L[yp + c] = Math.fma(($L[xp + c] - mean) * inv, $L, $L)", y.array(), x.array(),
                    scale.at("c"), bias.at("c"));
            k.endControlFlow();
        }
        k.endControlFlow();
        k.endControlFlow();
    }

    /**
     * Declares (for the elements) or sets (for the squares) {@code double sum}: the sum over the image of each
     * element {@code v}, or of {@code (v - mean)^2} when {@code squares}, in
     * {@link #ACCUMULATORS} vector accumulators named {@code prefix0..}, their lanes then
     * added in order.
     */
    private static void sum(CodeBlock.Builder k, String x, String prefix, boolean squares, int blocked, int whole,
                            int image, int lanes) {
        StringBuilder zeros = new StringBuilder();
        for (int a = 0; a < ACCUMULATORS; a++) {
            zeros.append(a == 0 ? "" : ", ").append(prefix).append(a).append(" = ").append(a == 0 ? "$T.zero(S)" : prefix + "0");
        }
        k.addStatement("$T " + zeros, Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
        if (blocked > 0) {
            k.beginControlFlow("for (int i = 0; i < $L; i += $L)", blocked, ACCUMULATORS * lanes);
            for (int a = 0; a < ACCUMULATORS; a++) {
                k.addStatement("$T v$L = $T.fromArray(S, $L, base + i$L)$L", Vectors.FLOAT_VECTOR, a, Vectors.FLOAT_VECTOR,
                        x, a == 0 ? "" : " + " + a * lanes, squares ? ".sub(m)" : "");
                k.addStatement("$L$L = $L", prefix, a, squares ? "v" + a + ".fma(v" + a + ", " + prefix + a + ")"
                        : prefix + a + ".add(v" + a + ")");
            }
            k.endControlFlow();
        }
        if (blocked < whole) {
            k.beginControlFlow("for (int i = $L; i < $L; i += L)", blocked, whole);
            k.addStatement("$T v = $T.fromArray(S, $L, base + i)$L", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR, x,
                    squares ? ".sub(m)" : "");
            k.addStatement("$L0 = $L", prefix, squares ? "v.fma(v, " + prefix + "0)" : prefix + "0.add(v)");
            k.endControlFlow();
        }
        StringBuilder combined = new StringBuilder(prefix + "0");
        for (int a = 1; a < ACCUMULATORS; a++) {
            combined.append(".add(").append(prefix).append(a).append(")");
        }
        k.addStatement("$L.intoArray(ws, wso)", combined);
        k.addStatement(squares ? "sum = (double) $L" : "double sum = (double) $L", Vectors.laneSum(0, lanes));
        if (whole < image) {
            k.beginControlFlow("for (int i = $L; i < $L; i++)", whole, image);
            k.addStatement("float v = $L[base + i]$L", x, squares ? " - mean" : "");
            k.addStatement("sum += $L", squares ? "v * v" : "v");
            k.endControlFlow();
        }
    }
}
