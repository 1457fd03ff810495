package dev.kiln.runtime;

import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads that run one {@link RangeTask} step at a time,
 * split into contiguous ranges, one per thread.
 *
 * <p>Posting a step allocates nothing. The calling thread runs the first range
 * itself. If another thread is already using the pool, the caller runs its whole
 * step alone instead of waiting, so a model instance shared by several threads
 * never blocks. The split depends only on the work count and the thread count,
 * so results are reproducible for a given thread count.
 *
 * <p>Workers are daemon threads. They spin briefly between steps (steps of one
 * inference follow each other closely), then park. They end when {@link #close()}
 * is called or when the pool is no longer reachable.
 */
public final class WorkerPool {
    private static final int SPINS = 1 << 14;
    private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int threads;
    private final Shared shared;
    private final Worker[] workers;
    /** Held while a step runs; not reentrant, so a nested parallelFor runs on its caller. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();

    /** Creates a pool that runs each step on {@code threads} threads (the caller included). */
    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.shared = new Shared();
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
     * {@code [0, count)}, part {@code i} of {@code n} on one thread, and returns when all
     * of them are done. Part 0 is the caller's. A throwable from any range is rethrown here.
     */
    public void parallelFor(RangeTask task, int step, int count) {
        int parts = Math.min(threads, count);
        if (parts <= 1 || shared.closed || !busy.compareAndSet(false, true)) {
            task.runRange(step, 0, 0, count);
            return;
        }
        try {
            Shared s = shared;
            s.task = task;
            s.step = step;
            s.count = count;
            s.parts = parts;
            s.failure = null;
            s.caller = Thread.currentThread();
            s.pending.set(parts - 1);
            long ticket = ++s.generation;
            for (int i = 0; i < parts - 1; i++) {
                workers[i].post(ticket);
            }
            try {
                task.runRange(step, 0, 0, (int) ((long) count / parts));
            } catch (Throwable t) {
                s.fail(t);
            }
            s.awaitWorkers();
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

    /** State shared by the caller and the workers; it holds no reference to the pool. */
    private static final class Shared {
        RangeTask task;
        int step;
        int count;
        int parts;
        long generation;
        volatile Thread caller;
        volatile boolean callerParked;
        volatile Throwable failure;
        volatile boolean closed;
        final AtomicInteger pending = new AtomicInteger();

        synchronized void fail(Throwable t) {
            if (failure == null) {
                failure = t;
            }
        }

        void finishedOne() {
            if (pending.decrementAndGet() == 0 && callerParked) {
                LockSupport.unpark(caller);
            }
        }

        void awaitWorkers() {
            for (int spin = 0; pending.get() != 0; spin++) {
                if (spin >= SPINS) {
                    callerParked = true;
                    if (pending.get() != 0) {
                        LockSupport.park(this);
                    }
                    callerParked = false;
                }
            }
        }
    }

    /** One worker thread; it runs range {@code index} of each step posted to it. */
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

        /** Hands step {@code t} to this worker, starting its thread on first use. */
        void post(long t) {
            ticket = t;
            if (thread == null) {
                thread = new Thread(this, "kiln-worker-" + index);
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
                Shared s = shared;
                try {
                    long lo = (long) s.count * index / s.parts;
                    long hi = (long) s.count * (index + 1) / s.parts;
                    s.task.runRange(s.step, index, (int) lo, (int) hi);
                } catch (Throwable e) {
                    s.fail(e);
                }
                s.finishedOne();
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
