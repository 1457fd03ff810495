package dev.kiln.runtime;

/**
 * Work that can be split into index ranges. A generated model implements this
 * once per calling thread; {@code step} says which kernel to run, and
 * {@code [lo, hi)} which part of its work.
 */
public interface RangeTask {
    void runRange(int step, int lo, int hi);
}
