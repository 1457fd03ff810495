package dev.kiln.report;

import java.util.Arrays;

/**
 * Measured time per kernel step (the order of the memory plan's kernels, which is
 * the generated class's step order), from a run of the debug build of the generated
 * code ({@code KilnOptions.instrumented}, see {@code dev.kiln.codegen.StepProfile}).
 * A report without one is built with {@link #NONE} and its time column says "not
 * profiled". Times are only ever measured, never estimated.
 */
public final class LayerTimings {
    /** No measurements. */
    public static final LayerTimings NONE = new LayerTimings(new double[0], "");

    private final double[] millisPerStep;
    private final String how;

    private LayerTimings(double[] millisPerStep, String how) {
        this.millisPerStep = millisPerStep;
        this.how = how;
    }

    /** Mean milliseconds per inference of each kernel step, by step; NaN for a step not measured. */
    public static LayerTimings ofSteps(double... millisPerStep) {
        return measured(millisPerStep, "");
    }

    /**
     * Like {@link #ofSteps}, saying how they were measured, e.g. {@code mean of 20 runs after 5
     * warm-up runs, 1 thread}.
     */
    public static LayerTimings measured(double[] millisPerStep, String how) {
        return new LayerTimings(Arrays.copyOf(millisPerStep, millisPerStep.length), how);
    }

    public boolean isEmpty() {
        return Arrays.stream(millisPerStep).allMatch(Double::isNaN);
    }

    /** How the times were measured; empty when not said. */
    public String how() {
        return how;
    }

    /** The sum of the measured steps' times. */
    public double totalMillis() {
        return Arrays.stream(millisPerStep).filter(m -> !Double.isNaN(m)).sum();
    }

    /** The measured mean milliseconds of kernel step {@code step}, or null if it was not measured. */
    public Double millis(int step) {
        return step < millisPerStep.length && !Double.isNaN(millisPerStep[step]) ? millisPerStep[step] : null;
    }
}
