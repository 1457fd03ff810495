package dev.kiln.report;

import java.util.Arrays;

/**
 * Measured time per kernel step (the order of the memory plan's kernels, which is
 * the generated class's step order), from an instrumented run of the generated
 * code. Kiln has no such run yet: until it does, reports are built with
 * {@link #NONE} and the time column says "not profiled". Times are only ever
 * measured, never estimated.
 */
public final class LayerTimings {
    /** No measurements. */
    public static final LayerTimings NONE = new LayerTimings(new double[0]);

    private final double[] millisPerStep;

    private LayerTimings(double[] millisPerStep) {
        this.millisPerStep = millisPerStep;
    }

    /** Mean milliseconds per inference of each kernel step, by step; NaN for a step not measured. */
    public static LayerTimings ofSteps(double... millisPerStep) {
        return new LayerTimings(Arrays.copyOf(millisPerStep, millisPerStep.length));
    }

    public boolean isEmpty() {
        return Arrays.stream(millisPerStep).allMatch(Double::isNaN);
    }

    /** The measured mean milliseconds of kernel step {@code step}, or null if it was not measured. */
    public Double millis(int step) {
        return step < millisPerStep.length && !Double.isNaN(millisPerStep[step]) ? millisPerStep[step] : null;
    }
}
