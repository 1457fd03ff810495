package dev.kiln.codegen;

import dev.kiln.compiler.ir.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The measured time of each kernel step of a debug build ({@link GenerateOptions#instrumented}):
 * the mean over {@code runs} runs, from the step timers of the generated class. Measured, never
 * estimated. What {@code kiln bench --profile} prints and the compile report's time column shows.
 *
 * @param steps the node each step runs, in step order (the memory plan's kernels)
 * @param millis mean milliseconds per run of each step
 * @param runMillis mean milliseconds of a whole {@code run} call, for the share the steps cover
 */
public record StepProfile(List<Node> steps, double[] millis, double runMillis, int runs) {

    /**
     * Runs {@code loaded}, a debug build of {@code model}, {@code runs} times on {@code inputs} and
     * times its steps. The caller sets its threads and warms it up first.
     */
    public static StepProfile measure(GeneratedModel model, LoadedModel loaded, Object[] inputs, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1");
        }
        loaded.resetStepNanos();
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            loaded.run(inputs);
        }
        double runMillis = (System.nanoTime() - start) / 1e6 / runs;
        long[] nanos = loaded.stepNanos();
        List<Node> steps = model.compilation().plan().kernels();
        if (nanos.length != steps.size()) {
            throw new IllegalStateException("the debug build has " + nanos.length + " steps, the plan "
                    + steps.size());
        }
        double[] millis = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            millis[i] = nanos[i] / 1e6 / runs;
        }
        return new StepProfile(List.copyOf(steps), millis, runMillis, runs);
    }

    /** The sum of the steps' mean times. */
    public double totalMillis() {
        double t = 0;
        for (double m : millis) {
            t += m;
        }
        return t;
    }

    /** The share of all steps' time that step {@code i} took, 0 to 1. */
    public double share(int i) {
        double total = totalMillis();
        return total > 0 ? millis[i] / total : 0;
    }

    /** The {@code n} slowest steps, slowest first (ties in step order). */
    public List<Integer> slowest(int n) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, millis.length).boxed().toList());
        order.sort(Comparator.comparingDouble((Integer i) -> -millis[i]).thenComparingInt(i -> i));
        return order.subList(0, Math.min(n, order.size()));
    }
}
