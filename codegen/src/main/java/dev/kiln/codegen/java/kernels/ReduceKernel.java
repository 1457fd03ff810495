package dev.kiln.codegen.java.kernels;

import dev.kiln.codegen.expr.IndexMath;
import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.ops.Reduce;
import java.util.ArrayList;
import java.util.List;

/**
 * ReduceMean, ReduceSum and ReduceMax. One work item is one output element: its
 * coordinates along the kept axes fix a base offset, and nested loops over the
 * reduced axes visit its inputs. Float sums are kept in double, integer sums in
 * long (wrapping like the storage type); the maximum of an empty set is the
 * type's lowest value, a sum over it 0. NaN handling follows ONNX Runtime: the
 * maximum starts from the first element and only a greater value replaces it.
 *
 * <p>A float ReduceMean or ReduceSum over the middle axes of [N, ..., C] (what
 * choose-layout makes of GlobalAveragePool on channels-last data) walks the positions
 * once for a run of up to {@link #CHANNEL_RUN} neighbouring channels instead, one sum
 * each: one output element per item would stride through the whole tensor for every
 * channel, and a feature map bigger than the L2 cache would be read from L3 C times.
 * The sums add the same elements in the same order either way.
 */
public final class ReduceKernel implements JavaKernel {
    /** Channels summed side by side in the channels-last loop, at most. */
    static final int CHANNEL_RUN = 8;

    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        String op = w.node().opType();
        if (!op.equals("ReduceMean") && !op.equals("ReduceSum") && !op.equals("ReduceMax")) {
            throw new CompileException(w.node().describe() + ": no Java kernel for " + op);
        }
        Reduce.Params p = ((Reduce) OpRegistry.standard().get(w.node())).params(w.node());
        ElementType t = w.in(0).elementType();
        long[] in = w.in(0).type().dims();
        long[] strides = Loops.contiguous(in);
        List<Integer> kept = new ArrayList<>();
        List<Integer> reduced = new ArrayList<>();
        long count = 1;
        for (int d = 0; d < in.length; d++) {
            if (p.reduced()[d] && !p.identity()) {
                reduced.add(d);
                count *= in[d];
            } else {
                kept.add(d);
            }
        }
        long outSize = w.out(0).type().size();
        if (outSize == 0) {
            return; // nothing to write
        }
        if (!op.equals("ReduceMax") && t == ElementType.FLOAT && !p.identity() && overMiddleAxes(reduced, in)) {
            channelsLast(w, op, in, count);
            return;
        }
        w.work((int) outSize);
        w.cost(Math.max(outSize, w.in(0).type().size()));
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        List<String> base = new ArrayList<>();
        long inner = 1;
        for (int i = kept.size() - 1; i >= 0; i--) {
            int d = kept.get(i);
            if (in[d] == 1) {
                continue;
            }
            String coordinate = inner == 1 ? "item % " + in[d] : "item / " + inner + " % " + in[d];
            base.add(0, IndexMath.scaled("(" + coordinate + ")", strides[d]));
            inner *= in[d];
        }
        k.addStatement("int base = $L", base.isEmpty() ? "0" : String.join(" + ", base));
        Accumulator acc = Accumulator.of(op, t);
        if (op.equals("ReduceMax") && count > 0) {
            // start from the first element: a NaN there stays the maximum, as in ONNX Runtime
            k.addStatement("$L acc = $L", acc.type, JavaTypes.load(t, w.in(0).at("base"), w.runtime()));
        } else {
            k.addStatement("$L acc = $L", acc.type, acc.initial);
        }
        StringBuilder offset = new StringBuilder("base");
        for (int d : reduced) {
            String r = "r" + d;
            k.beginControlFlow("for (int $L = 0; $L < $L; $L++)", r, r, in[d], r);
            offset.append(" + ").append(IndexMath.scaled(r, strides[d]));
        }
        CodeBlock v = JavaTypes.load(t, w.in(0).at(offset), w.runtime());
        if (op.equals("ReduceMax")) {
            k.addStatement("$L v = $L", JavaTypes.compute(t), v);
            k.beginControlFlow("if ($L)", Ordering.greater(t, "v", "acc")); // a later NaN never wins
            k.addStatement("acc = v");
            k.endControlFlow();
        } else {
            k.addStatement("acc += $L", v);
        }
        for (int ignored : reduced) {
            k.endControlFlow();
        }
        CodeBlock result = op.equals("ReduceMean")
                ? CodeBlock.of("($L) (acc / $L)", JavaTypes.compute(t), count)
                : acc.type.equals(JavaTypes.compute(t)) ? CodeBlock.of("acc") : CodeBlock.of("($L) acc", JavaTypes.compute(t));
        k.addStatement("$L = $L", w.out(0).at("item"), JavaTypes.store(t, result, w.runtime()));
        k.endControlFlow();
    }

    /** Whether the reduced axes are exactly 1 .. rank - 2: [N, ..., C] to [N, 1.., C]. */
    private static boolean overMiddleAxes(List<Integer> reduced, long[] in) {
        if (in.length < 3 || reduced.size() != in.length - 2) {
            return false;
        }
        for (int i = 0; i < reduced.size(); i++) {
            if (reduced.get(i) != i + 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * The sums of runs of neighbouring channels over all positions, each run's positions in
     * order: item i is image i / (C / run), channels from (i % (C / run)) x run.
     */
    private static void channelsLast(KernelWriter w, String op, long[] in, long positions) {
        long channels = in[in.length - 1];
        int run = CHANNEL_RUN;
        while (channels % run != 0) {
            run /= 2;
        }
        long runs = channels / run;
        w.work((int) (in[0] * runs));
        w.cost(w.in(0).type().size());
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.add("// Channels c0 .. c0 + $L of image n, summed over its $L positions.\n", run - 1, positions);
        k.addStatement("int n = item / $L", runs);
        k.addStatement("int c0 = item % $L * $L", runs, run);
        k.addStatement("int base = n * $L + c0", positions * channels);
        StringBuilder sums = new StringBuilder();
        for (int j = 0; j < run; j++) {
            sums.append(j == 0 ? "" : ", ").append("s").append(j).append(" = 0");
        }
        k.addStatement("double $L", sums);
        k.beginControlFlow("for (int p = 0; p < $L; p++)", positions);
        k.addStatement("int at = base + p * $L", channels);
        for (int j = 0; j < run; j++) {
            k.addStatement("s$L += $L", j, w.in(0).at("at" + IndexMath.plus(j)));
        }
        k.endControlFlow();
        for (int j = 0; j < run; j++) {
            CodeBlock sum = op.equals("ReduceMean") ? CodeBlock.of("(float) (s$L / $L)", j, positions)
                    : CodeBlock.of("(float) s$L", j);
            k.addStatement("$L = $L", w.out(0).at("n * " + channels + " + c0" + IndexMath.plus(j)), sum);
        }
        k.endControlFlow();
    }

    /** The accumulator's Java type and start value for an op and element type. */
    private record Accumulator(String type, String initial) {
        static Accumulator of(String op, ElementType t) {
            if (op.equals("ReduceMax")) {
                return new Accumulator(JavaTypes.compute(t), Ordering.lowest(t));
            }
            if (op.equals("ReduceSum") && t.isInteger()) {
                return new Accumulator("long", "0L");
            }
            return new Accumulator("double", "0");
        }
    }
}
