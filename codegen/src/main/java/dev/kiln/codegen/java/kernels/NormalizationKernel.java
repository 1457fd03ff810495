package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Broadcast;
import dev.kiln.compiler.ops.Normalization;
import java.util.Arrays;

/**
 * BatchNormalization (an affine map per channel), and InstanceNormalization,
 * GroupNormalization and LayerNormalization, which standardise contiguous groups
 * of elements (a channel plane, a group of channel planes, a row) and then scale
 * and shift them. Mean and variance are computed in double, in two passes.
 */
public final class NormalizationKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x", "scale", "bias", "mean", "var"};
    }

    @Override
    public String[] outputNames() {
        return new String[] {"y", "meanOut", "invStdOut"};
    }

    @Override
    public void emit(KernelWriter w) {
        Node node = w.node();
        switch (node.opType()) {
            case "BatchNormalization" -> batchNorm(w);
            case "InstanceNormalization" -> {
                long[] d = w.in(0).type().dims();
                long planes = d[0] * d[1];
                standardise(w, planes, w.in(0).type().size() / Math.max(1, planes), (int) d[1], 1);
            }
            case "GroupNormalization" -> {
                if (node.domain().equals(Node.KILN_DOMAIN)) {
                    channelsLastGroupNorm(w);
                    return;
                }
                long[] d = w.in(0).type().dims();
                int groups = Normalization.GroupNormalization.groups(node);
                long perGroup = w.in(0).type().size() / Math.max(1, d[0] * groups);
                boolean perChannel = node.opset() >= 21;
                standardise(w, d[0] * groups, perGroup, perChannel ? (int) d[1] : groups,
                        perChannel ? (int) (d[1] / groups) : 1);
            }
            default -> layerNorm(w);
        }
    }

    /**
     * Kiln's channels-last GroupNormalization, X [N, positions..., C]: statistics over all
     * positions and the group's channels of one image, then scale and bias per channel.
     */
    private static void channelsLastGroupNorm(KernelWriter w) {
        ElementType t = w.in(0).elementType();
        var rt = w.runtime();
        long[] d = w.in(0).type().dims();
        int channels = (int) d[d.length - 1];
        int groups = Normalization.GroupNormalization.groups(w.node());
        int perGroup = channels / groups;
        long image = w.in(0).type().size() / d[0];
        long positions = image / channels;
        w.work((int) (d[0] * groups));
        w.cost(d[0] * image * 4);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.add("// Group item % $L of image item / $L: its channels at every position.\n", groups, groups);
        k.addStatement("int base = item / $L * $L", groups, image);
        k.addStatement("int c0 = item % $L * $L", groups, perGroup);
        if (groups == 1) {
            statistics(w, k, image);
        } else {
            k.addStatement("double sum = 0");
            loopGroup(k, positions, channels, perGroup);
            k.addStatement("sum += $L", JavaTypes.load(t, w.in(0).at("q"), rt));
            k.endControlFlow().endControlFlow();
            k.addStatement("double mean = sum / $L", positions * perGroup);
            k.addStatement("double squares = 0");
            loopGroup(k, positions, channels, perGroup);
            k.addStatement("double dev = $L - mean", JavaTypes.load(t, w.in(0).at("q"), rt));
            k.addStatement("squares += dev * dev");
            k.endControlFlow().endControlFlow();
            k.addStatement("double inv = 1.0 / Math.sqrt(squares / $L + $L)", positions * perGroup,
                    (double) Normalization.epsilon(w.node()));
        }
        loopGroup(k, positions, channels, perGroup);
        k.addStatement("$L = $L", w.out(0).at("q"), JavaTypes.store(t, CodeBlock.of("($L) (($L - mean) * inv * $L + $L)",
                JavaTypes.compute(t), JavaTypes.load(t, w.in(0).at("q"), rt), JavaTypes.load(t, w.in(1).at("c"), rt),
                JavaTypes.load(t, w.in(2).at("c"), rt)), rt));
        k.endControlFlow().endControlFlow();
        k.endControlFlow();
    }

    /** Opens the loops over positions and the group's channels c, with element index q; the caller closes both. */
    private static void loopGroup(CodeBlock.Builder k, long positions, int channels, int perGroup) {
        k.beginControlFlow("for (int p = 0; p < $L; p++)", positions);
        k.beginControlFlow("for (int c = c0; c < c0 + $L; c++)", perGroup);
        k.addStatement("int q = base + p * $L + c", channels);
    }

    /** y = (x - mean[c]) / sqrt(var[c] + eps) * scale[c] + bias[c], c the channel (axis 1). */
    private static void batchNorm(KernelWriter w) {
        ElementType t = w.in(0).elementType();
        long[] d = w.in(0).type().dims();
        long channels = d.length < 2 ? 1 : d[1];
        long plane = 1;
        for (int i = 2; i < d.length; i++) {
            plane *= d[i];
        }
        var rt = w.runtime();
        w.work((int) (d[0] * channels));
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int p = lo; p < hi; p++)");
        k.addStatement("int c = p % $L", channels);
        k.addStatement("double s = $L / Math.sqrt($L + $L)", JavaTypes.load(t, w.in(1).at("c"), rt),
                JavaTypes.load(t, w.in(4).at("c"), rt), Normalization.epsilon(w.node()));
        k.addStatement("double shift = $L - $L * s", JavaTypes.load(t, w.in(2).at("c"), rt),
                JavaTypes.load(t, w.in(3).at("c"), rt));
        k.beginControlFlow("for (int q = p * $L; q < (p + 1) * $L; q++)", plane, plane);
        k.addStatement("$L = $L", w.out(0).at("q"), JavaTypes.store(t, CodeBlock.of("($L) ($L * s + shift)",
                JavaTypes.compute(t), JavaTypes.load(t, w.in(0).at("q"), rt)), rt));
        k.endControlFlow();
        k.endControlFlow();
    }

    /**
     * Standardises {@code groups} contiguous groups of {@code size} elements. Within a group,
     * the affine parameters change every {@code size / channelsPerGroup} elements: group g covers
     * parameter indices {@code (g % paramGroups) * channelsPerGroup ...}.
     *
     * @param params the number of scale/bias entries
     * @param channelsPerGroup how many scale/bias entries one group spans
     */
    private static void standardise(KernelWriter w, long groups, long size, int params, int channelsPerGroup) {
        ElementType t = w.in(0).elementType();
        var rt = w.runtime();
        long span = size / channelsPerGroup;
        int paramGroups = params / channelsPerGroup;
        w.work((int) groups);
        w.cost(groups * size * 4);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int g = lo; g < hi; g++)");
        k.addStatement("int base = g * $L", size);
        statistics(w, k, size);
        k.beginControlFlow("for (int cc = 0; cc < $L; cc++)", channelsPerGroup);
        k.addStatement("int c = g % $L * $L + cc", paramGroups, channelsPerGroup);
        k.addStatement("double s = inv * $L", JavaTypes.load(t, w.in(1).at("c"), rt));
        k.addStatement("double shift = $L - mean * s", JavaTypes.load(t, w.in(2).at("c"), rt));
        k.beginControlFlow("for (int q = base + cc * $L; q < base + (cc + 1) * $L; q++)", span, span);
        k.addStatement("$L = $L", w.out(0).at("q"), JavaTypes.store(t, CodeBlock.of("($L) ($L * s + shift)",
                JavaTypes.compute(t), JavaTypes.load(t, w.in(0).at("q"), rt)), rt));
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
    }

    /** LayerNormalization over the trailing axes from {@code axis}; scale and bias broadcast over them. */
    private static void layerNorm(KernelWriter w) {
        ElementType t = w.in(0).elementType();
        var rt = w.runtime();
        int axis = Normalization.LayerNormalization.axis(w.node());
        long[] d = w.in(0).type().dims();
        long[] normalized = Arrays.copyOfRange(d, axis, d.length);
        long size = 1;
        for (long n : normalized) {
            size *= n;
        }
        long rows = w.in(0).type().size() / Math.max(1, size);
        w.work((int) rows);
        w.cost(rows * size * 4);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int g = lo; g < hi; g++)");
        k.addStatement("int base = g * $L", size);
        statistics(w, k, size);
        if (w.hasOut(1)) {
            k.addStatement("$L = $L", w.out(1).at("g"), JavaTypes.store(w.out(1).elementType(),
                    CodeBlock.of("($L) mean", JavaTypes.compute(w.out(1).elementType())), rt));
        }
        if (w.hasOut(2)) {
            k.addStatement("$L = $L", w.out(2).at("g"), JavaTypes.store(w.out(2).elementType(),
                    CodeBlock.of("($L) inv", JavaTypes.compute(w.out(2).elementType())), rt));
        }
        k.beginControlFlow("for (int e = 0; e < $L; e++)", size);
        CodeBlock scale = JavaTypes.load(t, w.in(1).at(paramIndex(w.in(1).type().dims(), normalized)), rt);
        CodeBlock bias = w.hasIn(2)
                ? JavaTypes.load(t, w.in(2).at(paramIndex(w.in(2).type().dims(), normalized)), rt) : CodeBlock.of("0");
        k.addStatement("$L = $L", w.out(0).at("base + e"), JavaTypes.store(t, CodeBlock.of(
                "($L) (($L - mean) * inv * $L + $L)", JavaTypes.compute(t), JavaTypes.load(t, w.in(0).at("base + e"), rt),
                scale, bias), rt));
        k.endControlFlow();
        k.endControlFlow();
    }

    /** Declares {@code mean} and {@code inv} (1 / standard deviation) of elements base .. base+size. */
    private static void statistics(KernelWriter w, CodeBlock.Builder k, long size) {
        ElementType t = w.in(0).elementType();
        var rt = w.runtime();
        k.addStatement("double sum = 0");
        k.beginControlFlow("for (int q = base; q < base + $L; q++)", size);
        k.addStatement("sum += $L", JavaTypes.load(t, w.in(0).at("q"), rt));
        k.endControlFlow();
        k.addStatement("double mean = sum / $L", size);
        k.addStatement("double squares = 0");
        k.beginControlFlow("for (int q = base; q < base + $L; q++)", size);
        k.addStatement("double dev = $L - mean", JavaTypes.load(t, w.in(0).at("q"), rt));
        k.addStatement("squares += dev * dev");
        k.endControlFlow();
        k.addStatement("double inv = 1.0 / Math.sqrt(squares / $L + $L)", size,
                (double) Normalization.epsilon(w.node()));
    }

    /** The index of a broadcast parameter for element {@code e} of the normalised block. */
    private static String paramIndex(long[] param, long[] normalized) {
        long[] strides = Broadcast.strides(param, normalized);
        if (Arrays.equals(strides, Loops.contiguous(normalized))) {
            return "e";
        }
        StringBuilder s = new StringBuilder("0");
        long inner = 1;
        for (int i = normalized.length - 1; i >= 0; i--) {
            if (strides[i] != 0) {
                s.append(" + (e / ").append(inner).append(" % ").append(normalized[i]).append(") * ").append(strides[i]);
            }
            inner *= normalized[i];
        }
        return s.toString();
    }
}
