package dev.kiln.runtime;

/**
 * Work that can be split into index ranges. A generated model implements this
 * once per calling thread; {@code step} says which kernel to run, {@code [lo, hi)}
 * which part of its work, and {@code part} which of the step's parts this is
 * ({@code 0 <= part <} the pool's thread count): a kernel that needs scratch memory
 * uses the part's own slice of the calling thread's workspace, so the parts of one
 * step never share scratch.
 */
public interface RangeTask {
    void runRange(int step, int part, int lo, int hi);
}
