package dev.fovea.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Persistent worker threads that run one parallel loop at a time with the calling thread, with no
 * allocation per loop. Why not ForkJoinPool: every invoke built a tree of task objects and woke
 * the workers through the pool's queues; a training step runs dozens of loops, so that cost
 * allocation (kilobytes per step) and tens of microseconds of hand-off per loop.
 *
 * <p>How a loop runs: the caller publishes the loop's body and size, bumps a ticket, unparks any
 * parked worker, and claims chunks itself; workers claim chunks from the same ticket until none
 * are left. The ticket packs (epoch, chunks, next chunk) into one long, so a worker that wakes late
 * can never claim a chunk of a loop it did not see published: its compare-and-set fails as soon
 * as the epoch moved on. Between loops a worker spins briefly (the next loop usually follows
 * within microseconds) and then parks.
 *
 * <p>One loop at a time: a second thread that calls in while a loop runs, and any loop started
 * from inside a loop body, runs inline on its own thread.
 */
final class WorkerPool {
    private static final int CHUNK_BITS = 20;
    private static final long CHUNK_MASK = (1L << CHUNK_BITS) - 1;
    private static final long EPOCH_MASK = (1L << (64 - 2 * CHUNK_BITS)) - 1;
    /** Most chunks one loop may have (the ticket holds the count in CHUNK_BITS bits). */
    static final int MAX_CHUNKS = (int) CHUNK_MASK;
    /**
     * How long an idle worker, or a caller waiting for the last chunk, spins before parking. Long
     * enough to bridge the serial gaps between the loops of one training step; short enough to give
     * the core back when the work stops. Overridable with {@code fovea.spinMicros}.
     */
    private static final long SPIN_NANOS = 1000L * Long.getLong("fovea.spinMicros", 100);

    private final Worker[] workers;
    private final int size;
    private final AtomicLong ticket = new AtomicLong();      // epoch << 40 | chunks << 20 | next
    private final AtomicInteger done = new AtomicInteger();  // chunks finished in the current loop
    private final AtomicInteger owned = new AtomicInteger(); // 1 while a caller owns the pool
    private volatile Thread owner;                           // that caller
    private volatile Thread waiting;                         // the caller, when parked for the last chunk
    private volatile boolean shutdown;
    private Parallel.RangeBody body;                         // published by the ticket write
    private int n;
    private Throwable failure;                               // first failure of the current loop, guarded by this

    WorkerPool(int threads) {
        this.size = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this, i + 1);
            workers[i].start();
        }
    }

    int size() { return size; }

    /** True on a worker of this pool, or on the caller while it runs a loop: a loop started there runs inline. */
    boolean inLoop() {
        Thread t = Thread.currentThread();
        return t == owner || (t instanceof Worker w && w.pool == this);
    }

    /** Runs body over [0, n) in {@code chunks} contiguous pieces; returns false (nothing run) when the pool is taken. */
    boolean run(int n, int chunks, Parallel.RangeBody body) {
        if (chunks > MAX_CHUNKS) chunks = MAX_CHUNKS;
        if (inLoop() || !owned.compareAndSet(0, 1)) return false;
        try {
            owner = Thread.currentThread();
            this.body = body;
            this.n = n;
            done.set(0);
            long epoch = ((ticket.get() >>> (2 * CHUNK_BITS)) + 1) & EPOCH_MASK;
            ticket.set(epoch << (2 * CHUNK_BITS) | (long) chunks << CHUNK_BITS);
            for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
            work(epoch);
            awaitDone(chunks);
            Throwable f;
            synchronized (this) {
                f = failure;
                failure = null;
            }
            if (f instanceof RuntimeException e) throw e;
            if (f instanceof Error e) throw e;
            if (f != null) throw new IllegalStateException(f);
            return true;
        } finally {
            this.body = null;
            owner = null;
            owned.set(0);
        }
    }

    /** Claims and runs chunks of loop {@code epoch} until none are left. */
    private void work(long epoch) {
        for (;;) {
            long t = ticket.get();
            if (t >>> (2 * CHUNK_BITS) != epoch) return;
            int chunks = (int) ((t >>> CHUNK_BITS) & CHUNK_MASK);
            int c = (int) (t & CHUNK_MASK);
            if (c >= chunks) return;
            if (!ticket.compareAndSet(t, t + 1)) continue;
            // The claim succeeded while a chunk was still open, so the loop cannot have finished and
            // body and n are still this loop's.
            try {
                body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
            } catch (Throwable e) {
                synchronized (this) {
                    if (failure == null) failure = e;
                }
            }
            if (done.incrementAndGet() == chunks) {
                Thread w = waiting;
                if (w != null) LockSupport.unpark(w);
            }
        }
    }

    private void awaitDone(int chunks) {
        long start = System.nanoTime();
        while (done.get() < chunks) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
                continue;
            }
            waiting = Thread.currentThread();
            if (done.get() < chunks) LockSupport.parkNanos(this, 1_000_000L);
            waiting = null;
        }
    }

    void shutdown() {
        shutdown = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }

    private static final class Worker extends Thread {
        final WorkerPool pool;
        volatile boolean parked;

        Worker(WorkerPool pool, int index) {
            super("fovea-worker-" + index);
            this.pool = pool;
            setDaemon(true);
        }

        @Override public void run() {
            long seen = 0;
            while (!pool.shutdown) {
                long epoch = pool.ticket.get() >>> (2 * CHUNK_BITS);
                if (epoch == seen) {
                    idle(seen);
                    continue;
                }
                seen = epoch;
                pool.work(epoch);
            }
        }

        /** Waits for a loop newer than {@code seen}: spins a little, then parks. */
        private void idle(long seen) {
            long start = System.nanoTime();
            while (System.nanoTime() - start < SPIN_NANOS) {
                if (pool.ticket.get() >>> (2 * CHUNK_BITS) != seen || pool.shutdown) return;
                Thread.onSpinWait();
            }
            parked = true;
            // Re-check after announcing: the caller writes the ticket, then reads parked.
            if (pool.ticket.get() >>> (2 * CHUNK_BITS) == seen && !pool.shutdown) LockSupport.park(this);
            parked = false;
        }
    }
}
