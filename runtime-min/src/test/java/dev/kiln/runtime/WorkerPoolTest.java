package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link WorkerPool}: every index of a step is run exactly once, failures reach
 * the caller, nested and post-close use run on the caller instead of hanging.
 * The timeouts only turn a hang into a failure; nothing here measures speed.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkerPoolTest {

    /** Counts how often each index of each step was run, and which part ran it. */
    private static final class Counting implements RangeTask {
        final AtomicIntegerArray hits;
        final AtomicIntegerArray partOf;
        final int step;
        volatile Thread partZero;

        Counting(int count, int step) {
            this.hits = new AtomicIntegerArray(count);
            this.partOf = new AtomicIntegerArray(count);
            this.step = step;
        }

        @Override
        public void runRange(int s, int part, int lo, int hi) {
            assertEquals(step, s);
            if (part == 0) {
                partZero = Thread.currentThread();
            }
            for (int i = lo; i < hi; i++) {
                hits.incrementAndGet(i);
                partOf.set(i, part);
            }
        }

        /** Part {@code p} of {@code parts} ran exactly the indices the pool's split gives it. */
        void assertPartsSplitEvenly(int parts) {
            int count = hits.length();
            for (int p = 0; p < parts; p++) {
                for (int i = (int) ((long) count * p / parts); i < (long) count * (p + 1) / parts; i++) {
                    assertEquals(p, partOf.get(i), "index " + i + " of " + count + " in " + parts + " parts");
                }
            }
        }

        void assertEachOnce() {
            for (int i = 0; i < hits.length(); i++) {
                assertEquals(1, hits.get(i), "index " + i + " of " + hits.length());
            }
        }
    }

    @Test
    void rangesCoverEveryIndexExactlyOnce() {
        for (int threads : new int[] {1, 2, 3, 4, 7}) {
            WorkerPool pool = new WorkerPool(threads);
            try {
                for (int count = 0; count <= 40; count++) {
                    for (int repeat = 0; repeat < 5; repeat++) {
                        Counting task = new Counting(count, count * 10 + repeat);
                        pool.parallelFor(task, task.step, count);
                        task.assertEachOnce();
                    }
                }
                Counting big = new Counting(1_000_003, 5);
                pool.parallelFor(big, 5, 1_000_003);
                big.assertEachOnce();
                big.assertPartsSplitEvenly(threads);
                assertEquals(Thread.currentThread(), big.partZero, "the caller runs part 0");
            } finally {
                pool.close();
            }
        }
    }

    @Test
    void aFailureInAnyRangeIsRethrownToTheCaller() {
        WorkerPool pool = new WorkerPool(4);
        try {
            IllegalStateException boom = new IllegalStateException("boom");
            for (int failing = 0; failing < 4; failing++) {
                int index = failing * 25;
                RuntimeException e = assertThrows(IllegalStateException.class, () -> pool.parallelFor((s, part, lo, hi) -> {
                    if (lo <= index && index < hi) {
                        throw boom;
                    }
                }, 0, 100));
                assertSame(boom, e);
            }
            Counting after = new Counting(100, 1);
            pool.parallelFor(after, 1, 100);
            after.assertEachOnce();
        } finally {
            pool.close();
        }
    }

    @Test
    void nestedUseFromInsideARangeDoesNotHang() {
        WorkerPool pool = new WorkerPool(3);
        try {
            int outer = 6;
            int inner = 50;
            AtomicIntegerArray hits = new AtomicIntegerArray(outer * inner);
            pool.parallelFor((s, part, lo, hi) -> {
                for (int o = lo; o < hi; o++) {
                    int base = o * inner;
                    pool.parallelFor((s2, part2, lo2, hi2) -> {
                        for (int i = lo2; i < hi2; i++) {
                            hits.incrementAndGet(base + i);
                        }
                    }, 1, inner);
                }
            }, 0, outer);
            for (int i = 0; i < hits.length(); i++) {
                assertEquals(1, hits.get(i), "index " + i);
            }
        } finally {
            pool.close();
        }
    }

    @Test
    void sharedByManyCallersEachStepStillCoversItsIndices() throws InterruptedException {
        WorkerPool pool = new WorkerPool(3);
        try {
            Thread[] callers = new Thread[4];
            Throwable[] failures = new Throwable[callers.length];
            for (int t = 0; t < callers.length; t++) {
                int id = t;
                callers[t] = new Thread(() -> {
                    try {
                        for (int r = 0; r < 200; r++) {
                            Counting task = new Counting(97, id);
                            pool.parallelFor(task, id, 97);
                            task.assertEachOnce();
                        }
                    } catch (Throwable e) {
                        failures[id] = e;
                    }
                });
                callers[t].start();
            }
            for (Thread t : callers) {
                t.join();
            }
            for (Throwable f : failures) {
                if (f != null) {
                    throw new AssertionError(f);
                }
            }
        } finally {
            pool.close();
        }
    }

    @Test
    void afterCloseStepsRunOnTheCallingThread() {
        WorkerPool pool = new WorkerPool(4);
        Counting warm = new Counting(100, 0);
        pool.parallelFor(warm, 0, 100);
        warm.assertEachOnce();
        pool.close();
        Thread caller = Thread.currentThread();
        AtomicIntegerArray hits = new AtomicIntegerArray(100);
        pool.parallelFor((s, part, lo, hi) -> {
            assertSame(caller, Thread.currentThread());
            for (int i = lo; i < hi; i++) {
                hits.incrementAndGet(i);
            }
        }, 0, 100);
        for (int i = 0; i < 100; i++) {
            assertEquals(1, hits.get(i));
        }
        pool.close(); // closing twice is harmless
    }

    /** Issue 11: setThreads closes the old pool while another thread may be running a step on it. */
    @Test
    void closeDuringStepsOnAnotherThreadStrandsNoStep() throws InterruptedException {
        for (int round = 0; round < 60; round++) {
            WorkerPool pool = new WorkerPool(2);
            Thread runner = new Thread(() -> {
                for (int step = 0; step < 40; step++) {
                    Counting c = new Counting(64, step);
                    pool.parallelFor(c, step, 64);
                    c.assertEachOnce();
                }
            });
            runner.start();
            for (int spin = round % 20; spin > 0; spin--) {
                Thread.yield();
            }
            pool.close();
            runner.join();
        }
    }

    @Test
    void rejectsFewerThanOneThread() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WorkerPool(0));
        assertEquals("thread count must be at least 1, got 0", e.getMessage());
        assertEquals(5, new WorkerPool(5).threads());
    }
}
