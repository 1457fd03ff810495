package dev.kiln.jmh;

import dev.kiln.cli.FmaPeak;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FMA peak of one core, measured by JMH on the same kernel that {@code kiln bench
 * --fma-peak} times by hand ({@link FmaPeak#chains}), so the two figures check each other.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBenchmark {
    private static final int ITERATIONS = 1_000_000;
    private float[] acc;

    @Setup
    public void start() {
        acc = FmaPeak.startValues();
    }

    @Benchmark
    public float[] fmaChains(Flops flops) {
        FmaPeak.chains(ITERATIONS, 0.999f, 0.001f, acc);
        flops.flops += FmaPeak.flops(ITERATIONS);
        return acc;
    }
}
