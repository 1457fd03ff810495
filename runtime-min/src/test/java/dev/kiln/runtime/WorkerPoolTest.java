package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
        final ConcurrentHashMap<Integer, Thread> threadOfPart = new ConcurrentHashMap<>();
        volatile boolean partOnTwoThreads;

        Counting(int count, int step) {
            this.hits = new AtomicIntegerArray(count);
            this.partOf = new AtomicIntegerArray(count);
            this.step = step;
        }

        @Override
        public void runRange(int s, int part, int lo, int hi) {
            assertEquals(step, s);
            Thread before = threadOfPart.putIfAbsent(part, Thread.currentThread());
            if (before != null && before != Thread.currentThread()) {
                partOnTwoThreads = true;
            }
            for (int i = lo; i < hi; i++) {
                hits.incrementAndGet(i);
                partOf.set(i, part);
            }
        }

        /** No part index was used by two threads (a part's scratch is its thread's alone). */
        void assertEachPartOnOneThread() {
            assertFalse(partOnTwoThreads, "a part index ran on two threads");
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
                big.assertEachPartOnOneThread();
                Thread partZero = big.threadOfPart.get(0);
                assertTrue(partZero == null || partZero == Thread.currentThread(),
                        "part 0 is the caller's (a worker may have taken all of its share)");
            } finally {
                pool.close();
            }
        }
    }

    /**
     * Many short steps of changing size back to back, as in an inference: a thread still on
     * the last step must claim nothing of the next (an early version let an exhausted cursor
     * of the last step claim past its end once the next step's ends were written: an index
     * ran twice and the step never finished).
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void manyShortStepsInARowEachCoverTheirIndicesOnce() {
        for (int threads : new int[] {2, 3}) {
            WorkerPool pool = new WorkerPool(threads);
            try {
                for (int round = 0; round < 2000; round++) {
                    for (int count = 0; count <= 40; count++) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(count);
                        pool.parallelFor((s, part, lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                hits.incrementAndGet(i);
                            }
                        }, round, count);
                        for (int i = 0; i < count; i++) {
                            assertEquals(1, hits.get(i), "index " + i + " of " + count + ", round " + round);
                        }
                    }
                }
            } finally {
                pool.close();
            }
        }
    }

    /**
     * A worker that the operating system runs late holds up a step by at most the chunk it
     * holds: the caller runs the rest of that worker's share. Here the worker's first chunk
     * waits until every other index is done, which happens only if the caller takes them.
     */
    @Test
    void theCallerTakesOverTheShareOfAWorkerThatIsHeldUp() throws InterruptedException {
        WorkerPool pool = new WorkerPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                int count = 64;
                AtomicIntegerArray hits = new AtomicIntegerArray(count);
                AtomicInteger done = new AtomicInteger();
                AtomicInteger held = new AtomicInteger(-1);
                CountDownLatch restDone = new CountDownLatch(1);
                AtomicBoolean timedOut = new AtomicBoolean();
                pool.parallelFor((s, part, lo, hi) -> {
                    if (part == 1 && held.compareAndSet(-1, hi - lo)) {
                        if (done.get() + (hi - lo) == count) {
                            restDone.countDown();
                        }
                        try {
                            timedOut.set(!restDone.await(30, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                    for (int i = lo; i < hi; i++) {
                        hits.incrementAndGet(i);
                    }
                    int total = done.addAndGet(hi - lo); // before reading held: see the worker's check above
                    int h = held.get();
                    if (part != 1 && h >= 0 && total + h == count) {
                        restDone.countDown();
                    }
                }, round, count);
                assertFalse(timedOut.get(), "the held worker's share was left to it");
                for (int i = 0; i < count; i++) {
                    assertEquals(1, hits.get(i), "index " + i);
                }
            }
        } finally {
            pool.close();
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
