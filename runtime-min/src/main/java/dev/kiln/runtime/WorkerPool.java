package dev.kiln.runtime;

import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads that run one {@link RangeTask} step at a time,
 * split into chunks of its index range that the threads claim as they go.
 *
 * <p>Each part (the caller is part 0, worker {@code i} part {@code i}) starts on
 * its own contiguous share of the range, chunk by chunk, and then takes chunks
 * left in the other parts' shares. So a worker that the operating system runs
 * late, on a busy machine, delays a step by at most the chunk it holds: the
 * caller does the rest, and a worker that wakes after the step is done finds
 * nothing to claim and goes back to waiting. Every kernel computes each index
 * the same way in whichever chunk and thread it lands, so results do not depend
 * on who ran what.
 *
 * <p>Posting a step allocates nothing. If another thread is already using the
 * pool, the caller runs its whole step alone instead of waiting, so a model
 * instance shared by several threads never blocks.
 *
 * <p>Workers are daemon threads. They spin briefly between steps (steps of one
 * inference follow each other closely), then park. They end when {@link #close()}
 * is called or when the pool is no longer reachable.
 */
public final class WorkerPool {
    private static final int SPINS = 1 << 14;
    private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Chunks per part: enough to even out a late thread, few enough that claiming costs nothing. */
    private static final int CHUNKS_PER_PART = 8;

    private final int threads;
    private final Shared shared;
    private final Worker[] workers;
    /**
     * The start of every worker thread's name, then its part index: {@code kiln-worker-1}, ...
     * (kiln bench's allocation meter counts the threads so named as the model's).
     */
    public static final String THREAD_NAME_PREFIX = "kiln-worker-";

    /** Held while a step runs; not reentrant, so a nested parallelFor runs on its caller. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();

    /** Creates a pool that runs each step on {@code threads} threads (the caller included). */
    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.shared = new Shared(threads);
        this.workers = new Worker[threads - 1];
        WeakReference<WorkerPool> self = new WeakReference<WorkerPool>(this);
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(shared, self, i + 1);
        }
    }

    /** The number of threads a step is split over, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task.runRange(step, part, lo, hi)} over ranges that together cover
     * {@code [0, count)} exactly once, each on one thread with that thread's part index
     * (0 for the caller), and returns when all of them are done. A throwable from any
     * range is rethrown here.
     */
    public void parallelFor(RangeTask task, int step, int count) {
        int parts = Math.min(threads, count);
        if (parts <= 1 || shared.closed || !busy.compareAndSet(false, true)) {
            task.runRange(step, 0, 0, count);
            return;
        }
        try {
            Shared s = shared;
            int generation = s.begin(task, step, count, parts, Thread.currentThread());
            for (int i = 0; i < parts - 1; i++) {
                workers[i].post(generation);
            }
            s.work(0, generation);
            s.awaitDone();
            s.task = null;
            Throwable failure = s.failure;
            if (failure != null) {
                s.failure = null;
                throwUnchecked(failure);
            }
        } finally {
            busy.set(false);
        }
    }

    /**
     * Stops the worker threads once the step in progress (another thread's), if any, is done:
     * a worker that left while a step was being posted to it would leave that step waiting
     * forever. Later steps run on the calling thread only.
     */
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        while (!busy.compareAndSet(false, true)) {
            Thread.yield(); // a step is running; it holds busy for one kernel call
        }
        shared.closed = true; // busy stays taken: every later step runs on its caller
        for (Worker w : workers) {
            w.wake();
        }
    }

    private static void throwUnchecked(Throwable t) {
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        throw new RuntimeException(t);
    }

    /**
     * State shared by the caller and the workers; it holds no reference to the pool.
     *
     * <p>Part {@code p}'s share of a step is {@code [cursor, ends[p])}. Its cursor holds the
     * step's generation in the upper 32 bits and the next unclaimed index in the lower, so a
     * claim by a thread that is still on an earlier step fails instead of taking work of the
     * current one. The step's fields are written before the cursors are set, and a new step
     * begins only after every index of the last is done, so a thread that claimed a chunk of
     * generation g reads g's task, step and chunk size.
     */
    private static final class Shared {
        RangeTask task;
        int step;
        int parts;
        int chunk;
        int generation;
        final int[] ends;
        final AtomicLongArray cursors;
        /** Indices of the current step not yet done. */
        final AtomicInteger remaining = new AtomicInteger();
        volatile Thread caller;
        volatile boolean callerParked;
        volatile Throwable failure;
        volatile boolean closed;

        Shared(int threads) {
            ends = new int[threads];
            cursors = new AtomicLongArray(threads);
        }

        /** Publishes a step: part p's share is the p-th of {@code parts} equal slices. */
        int begin(RangeTask t, int s, int count, int n, Thread c) {
            int g = ++generation;
            if (g == 0) {
                g = ++generation; // 0 is a worker's "nothing seen yet"
            }
            // Retire the last step's cursors before its ends change: a thread still holding one
            // of them, exhausted, would otherwise claim past its old end with the new ends in
            // hand. No thread claims for g before its ticket is posted, after this method.
            for (int p = 0; p < cursors.length(); p++) {
                cursors.set(p, cursor(g, 0));
            }
            task = t;
            step = s;
            parts = n;
            chunk = Math.max(1, count / (n * CHUNKS_PER_PART));
            failure = null;
            caller = c;
            remaining.set(count);
            for (int p = 0; p < n; p++) {
                ends[p] = (int) ((long) count * (p + 1) / n);
                cursors.set(p, cursor(g, (int) ((long) count * p / n)));
            }
            return g;
        }

        private static long cursor(int generation, int next) {
            return ((long) generation << 32) | (next & 0xFFFFFFFFL);
        }

        /** Runs chunks of step {@code g} as part {@code part}: its own share first, then the others'. */
        void work(int part, int g) {
            int n = parts;
            for (int k = 0; k < n; k++) {
                int p = (part + k) % n;
                while (true) {
                    long c = cursors.get(p);
                    if ((int) (c >>> 32) != g) {
                        return; // a later step began: this one is done
                    }
                    int lo = (int) c;
                    int hi = Math.min(ends[p], lo + chunk);
                    if (lo >= hi) {
                        break;
                    }
                    if (!cursors.compareAndSet(p, c, cursor(g, hi))) {
                        continue;
                    }
                    try {
                        task.runRange(step, part, lo, hi);
                    } catch (Throwable e) {
                        fail(e);
                    } finally {
                        finished(hi - lo);
                    }
                }
            }
        }

        synchronized void fail(Throwable t) {
            if (failure == null) {
                failure = t;
            }
        }

        private void finished(int indices) {
            if (remaining.addAndGet(-indices) == 0 && callerParked) {
                LockSupport.unpark(caller);
            }
        }

        /** Waits until the chunks that other threads claimed are done. */
        void awaitDone() {
            for (int spin = 0; remaining.get() != 0; spin++) {
                if (spin >= SPINS) {
                    callerParked = true;
                    if (remaining.get() != 0) {
                        LockSupport.park(this);
                    }
                    callerParked = false;
                }
            }
        }
    }

    /** One worker thread; it takes part {@code index} of each step posted to it. */
    private static final class Worker implements Runnable {
        private final Shared shared;
        private final WeakReference<WorkerPool> pool;
        private final int index;
        private volatile long ticket;
        private volatile boolean parked;
        private Thread thread;

        Worker(Shared shared, WeakReference<WorkerPool> pool, int index) {
            this.shared = shared;
            this.pool = pool;
            this.index = index;
        }

        /** Hands step {@code generation} to this worker, starting its thread on first use. */
        void post(int generation) {
            ticket = generation;
            if (thread == null) {
                thread = new Thread(this, THREAD_NAME_PREFIX + index);
                thread.setDaemon(true);
                thread.start();
            } else if (parked) {
                LockSupport.unpark(thread);
            }
        }

        void wake() {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long t = awaitTicket(seen);
                if (t == seen) {
                    return;
                }
                seen = t;
                shared.work(index, (int) t);
            }
        }

        /** Waits for a ticket other than {@code seen}; returns {@code seen} when the worker should end. */
        private long awaitTicket(long seen) {
            for (int spin = 0; ; spin++) {
                long t = ticket;
                if (t != seen) {
                    return t;
                }
                if (shared.closed || pool.get() == null) {
                    return seen;
                }
                if (spin >= SPINS) {
                    parked = true;
                    if (ticket == seen) {
                        LockSupport.parkNanos(this, IDLE_CHECK_NANOS);
                    }
                    parked = false;
                }
            }
        }
    }
}
