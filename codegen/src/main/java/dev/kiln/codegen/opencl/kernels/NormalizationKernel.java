package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Broadcast;
import dev.kiln.compiler.ops.Normalization;
import java.util.Arrays;

/**
 * BatchNormalization (an affine map per channel, one work item per element), and
 * InstanceNormalization, GroupNormalization and LayerNormalization, which standardise
 * contiguous rows of elements (a channel plane, a group of channel planes, the
 * trailing axes) and then scale and shift them: one work-group per row computes the
 * mean, then the variance around it (two passes, as the java back end), then writes.
 */
public final class NormalizationKernel implements ClKernel {
    public static final String[] OPS = {"BatchNormalization", "InstanceNormalization", "LayerNormalization",
        "GroupNormalization"};

    @Override
    public String[] inputNames() {
        return new String[] {"x", "scale", "bias", "mean", "var"};
    }

    @Override
    public String[] outputNames() {
        return new String[] {"y", "meanOut", "invStdOut"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        Node node = w.node();
        long[] d = w.in(0).type().dims();
        switch (node.opType()) {
            case "BatchNormalization" -> batchNorm(w);
            case "InstanceNormalization" -> {
                long planes = d[0] * d[1];
                standardise(w, planes, w.in(0).type().size() / Math.max(1, planes), (int) d[1], 1);
            }
            case "GroupNormalization" -> {
                int groups = Normalization.GroupNormalization.groups(node);
                long perGroup = w.in(0).type().size() / Math.max(1, d[0] * groups);
                boolean perChannel = node.opset() >= 21;
                standardise(w, d[0] * groups, perGroup, perChannel ? (int) d[1] : groups,
                        perChannel ? (int) (d[1] / groups) : 1);
            }
            default -> layerNorm(w);
        }
    }

    /** y = (x - mean[c]) / sqrt(var[c] + eps) * scale[c] + bias[c], c the channel (axis 1). */
    private static void batchNorm(ClKernelWriter w) {
        ElementType t = w.in(0).elementType();
        String c = ClTypes.compute(t);
        long[] d = w.in(0).type().dims();
        long channels = d.length < 2 ? 1 : d[1];
        long plane = w.in(0).type().size() / Math.max(1, d[0] * channels);
        w.perElement("i", w.in(0).type().size());
        CodeBlock.Builder k = w.code();
        k.addStatement("int c = i / $L % $L", plane, channels);
        k.addStatement("$L s = $L / sqrt($L + $L)", c, w.in(1).load("c"), w.in(4).load("c"),
                ClTypes.literal(t, Normalization.epsilon(w.node())));
        k.addStatement("$L", w.out(0).store("i", CodeBlock.of("($L - $L) * s + $L", w.in(0).load("i"), w.in(3).load("c"),
                w.in(2).load("c"))));
    }

    /**
     * Standardises {@code rows} contiguous rows of {@code size} elements. Within a row, the
     * affine parameters change every {@code size / channelsPerGroup} elements: row g covers
     * parameter indices {@code (g % paramGroups) * channelsPerGroup ...}.
     *
     * @param params the number of scale/bias entries
     * @param channelsPerGroup how many scale/bias entries one row spans
     */
    private static void standardise(ClKernelWriter w, long rows, long size, int params, int channelsPerGroup) {
        ElementType t = w.in(0).elementType();
        long span = size / channelsPerGroup;
        int paramGroups = params / channelsPerGroup;
        RowReduction r = statistics(w, rows, size);
        CodeBlock.Builder k = w.code();
        r.share(k, "e", size);
        k.addStatement("int c = row % $L * $L + e / $L", paramGroups, channelsPerGroup, span);
        k.addStatement("$L", w.out(0).store("base + e", CodeBlock.of("($L - mean) * inv * $L + $L",
                w.in(0).load("base + e"), w.in(1).load("c"), w.in(2).load("c"))));
        k.endControlFlow();
    }

    /** LayerNormalization over the trailing axes from {@code axis}; scale and bias broadcast over them. */
    private static void layerNorm(ClKernelWriter w) {
        int axis = Normalization.LayerNormalization.axis(w.node());
        long[] d = w.in(0).type().dims();
        long[] normalized = Arrays.copyOfRange(d, axis, d.length);
        long size = 1;
        for (long n : normalized) {
            size *= n;
        }
        long rows = w.in(0).type().size() / Math.max(1, size);
        RowReduction r = statistics(w, rows, size);
        CodeBlock.Builder k = w.code();
        if (w.hasOut(1) || w.hasOut(2)) {
            k.beginControlFlow("if (lid == 0)");
            if (w.hasOut(1)) {
                k.addStatement("$L", w.out(1).store("row", CodeBlock.of("mean")));
            }
            if (w.hasOut(2)) {
                k.addStatement("$L", w.out(2).store("row", CodeBlock.of("inv")));
            }
            k.endControlFlow();
        }
        ClKernelWriter.Operand scale = w.in(1);
        boolean bias = w.hasIn(2);
        Loops params = new Loops(normalized, Loops.contiguous(normalized), Broadcast.strides(scale.type().dims(), normalized),
                bias ? Broadcast.strides(w.in(2).type().dims(), normalized) : new long[normalized.length]);
        r.share(k, "e", size);
        params.emitAt(k, "e", o -> CodeBlock.builder().addStatement("$L", w.out(0).store("base + e",
                CodeBlock.of("($L - mean) * inv * $L$L", w.in(0).load("base + e"), scale.load(o[1]),
                        bias ? CodeBlock.of(" + $L", w.in(2).load(o[2])) : ""))).build());
        k.endControlFlow();
    }

    /**
     * Starts the kernel, one work-group per row, and declares {@code base} (the row's first
     * element), {@code mean} and {@code inv} (1 / standard deviation) of its elements.
     */
    private static RowReduction statistics(ClKernelWriter w, long rows, long size) {
        ElementType t = w.in(0).elementType();
        String c = ClTypes.compute(t);
        RowReduction r = RowReduction.begin(w, rows, size, c);
        CodeBlock.Builder k = w.code();
        k.addStatement("int base = row * $L", size);
        k.addStatement("$L sum = 0", c);
        r.share(k, "e", size);
        k.addStatement("sum += $L", w.in(0).load("base + e"));
        k.endControlFlow();
        r.combine(k, "sum", null);
        k.addStatement("$L mean = sum / $L", c, size);
        k.addStatement("$L squares = 0", c);
        r.share(k, "e", size);
        k.addStatement("$L dev = $L - mean", c, w.in(0).load("base + e"));
        k.addStatement("squares += dev * dev");
        k.endControlFlow();
        r.combine(k, "squares", null);
        k.addStatement("$L inv = $L / sqrt(squares / $L + $L)", c, ClTypes.literal(t, 1), size,
                ClTypes.literal(t, Normalization.epsilon(w.node())));
        return r;
    }
}
