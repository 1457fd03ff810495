package dev.kiln.cli;

import dev.kiln.runtime.WorkerPool;
import java.lang.management.ManagementFactory;

/**
 * Bytes allocated on the Java heap by the calling thread and the model's worker threads
 * ({@link WorkerPool#THREAD_NAME_PREFIX}, started after the meter), from HotSpot's per-thread counters
 * ({@code com.sun.management.ThreadMXBean}); no JFR needed. Other threads are left
 * out, those that were there before (a test runner's) and those started later (a JFR
 * recording's, or the Attach Listener of a {@code jcmd}): they are not the model's.
 * Reading the counters allocates a little itself; that cost is measured and subtracted.
 */
final class AllocationMeter {
    private final com.sun.management.ThreadMXBean threads;
    private final java.util.Set<Long> bystanders = new java.util.HashSet<>();
    private long[] ids = new long[0];
    private long overhead;

    AllocationMeter() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx)
                || !mx.isThreadAllocatedMemorySupported()) {
            throw new KilnException("this JVM does not count allocated bytes per thread "
                    + "(com.sun.management.ThreadMXBean): run kiln bench on HotSpot");
        }
        threads = mx;
        threads.setThreadAllocatedMemoryEnabled(true);
        long self = Thread.currentThread().getId();
        for (long id : threads.getAllThreadIds()) {
            if (id != self) {
                bystanders.add(id);
            }
        }
        refreshThreads();
    }

    /**
     * Counts the threads alive now (call before each measurement: a model may start
     * worker threads on its first runs); the reading's own cost depends on their number.
     */
    void refreshThreads() {
        long self = Thread.currentThread().getId();
        long[] now = java.util.Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds(), 0))
                .filter(t -> t != null && !bystanders.contains(t.getThreadId())
                        && (t.getThreadId() == self || t.getThreadName().startsWith(WorkerPool.THREAD_NAME_PREFIX)))
                .mapToLong(java.lang.management.ThreadInfo::getThreadId).toArray();
        if (now.length != ids.length) {
            ids = now;
            long least = Long.MAX_VALUE;
            for (int i = 0; i < 20; i++) {
                long before = total();
                least = Math.min(least, total() - before);
            }
            overhead = least;
        }
        ids = now;
    }

    /** A reading; the bytes allocated between two readings are {@link #since}. */
    long total() {
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /** Bytes allocated since {@code before} (a {@link #total()}), without the cost of reading. */
    long since(long before) {
        return Math.max(0, total() - before - overhead);
    }
}
