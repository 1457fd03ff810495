package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.WorkerPool;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The meter sees an allocation of known size, and nothing where nothing is allocated; it
 * counts a model's worker threads but not other threads started after it.
 */
class AllocationMeterTest {
    private static volatile Object sink;

    @Test
    void measuresAKnownAllocationAndNothingElse() {
        AllocationMeter meter = new AllocationMeter();
        meter.refreshThreads();
        long before = meter.total();
        long nothing = meter.since(before);
        meter.refreshThreads();
        before = meter.total();
        sink = new byte[1 << 20];
        long megabyte = meter.since(before);
        assertEquals(0, nothing);
        // A byte[] of 1 MiB is its data plus a header of at most 24 bytes.
        assertTrue(megabyte >= 1 << 20 && megabyte <= (1 << 20) + 64, "measured " + megabyte);
    }

    @Test
    void countsWorkerThreadsAndNotOtherThreadsStartedLater() throws Exception {
        AllocationMeter meter = new AllocationMeter();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch allocated = new CountDownLatch(2);
        CountDownLatch measured = new CountDownLatch(1);
        Thread worker = allocating(WorkerPool.THREAD_NAME_PREFIX + "7", go, allocated, measured);
        Thread other = allocating("JFR Periodic Tasks", go, allocated, measured);
        worker.start();
        other.start();
        meter.refreshThreads();
        long before = meter.total();
        go.countDown();
        allocated.await();
        long bytes = meter.since(before); // both threads still alive: a dead one's counter reads -1
        measured.countDown();
        worker.join();
        other.join();
        assertTrue(bytes >= 1 << 20 && bytes <= (1 << 20) + 1024, "the worker's megabyte only, measured " + bytes);
    }

    /** A thread that allocates 1 MiB on {@code go}, then waits for {@code measured}. */
    private static Thread allocating(String name, CountDownLatch go, CountDownLatch allocated,
                                     CountDownLatch measured) {
        return new Thread(() -> {
            try {
                go.await();
                sink = new byte[1 << 20];
                allocated.countDown();
                measured.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
    }
}
