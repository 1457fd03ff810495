package dev.kiln.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Unmeasured runs before a measurement: a given count, or, by default, until {@link #QUIET_RUNS}
 * runs in a row in which the JIT compiled nothing and the run itself saw nothing else settling
 * (for {@code kiln bench}: Kiln allocated nothing). Vector code is slow and allocates until C2 has
 * compiled it, and C2 compiles a kernel only after thousands of its loop iterations, later for
 * kernels that run little per call; a fixed count is either too few for the vector back end or
 * wasted on the scalar one. {@code kiln bench} warms both engines up this way, {@code --profile}
 * and {@code inspect --report --profile} the debug build.
 */
final class WarmUp {
    /** Runs in a row without JIT activity (or other settling) that end an automatic warm-up. */
    static final int QUIET_RUNS = 10;
    private static final int MAX_RUNS = 2000;
    private static final long MAX_NANOS = 120_000_000_000L;

    /** One unmeasured run; returns whether it saw nothing settling besides the JIT. */
    interface Run<E extends Exception> {
        boolean once() throws E;
    }

    private WarmUp() {
    }

    /**
     * Runs {@code run} {@code runs} times, or for null until the JIT is quiet (at most 2,000 runs or
     * 2 minutes).
     *
     * @return the runs made
     */
    static <E extends Exception> int run(Integer runs, Run<E> run) throws E {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean auto = runs == null;
        long started = System.nanoTime();
        long compiled = jit.getTotalCompilationTime();
        int quiet = 0;
        int done = 0;
        while (auto ? quiet < QUIET_RUNS && done < MAX_RUNS && System.nanoTime() - started < MAX_NANOS : done < runs) {
            boolean settled = run.once();
            done++;
            long now = jit.getTotalCompilationTime();
            quiet = now == compiled && settled ? quiet + 1 : 0;
            compiled = now;
        }
        return done;
    }
}
