package dev.kiln.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Floating-point operations done by a benchmark's thread. JMH reports the field as a
 * rate in the benchmarks' time unit (nanoseconds): the line {@code ·flops} reads in
 * GFLOP/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Flops {
    public long flops;

    @Setup(Level.Iteration)
    public void reset() {
        flops = 0;
    }
}
