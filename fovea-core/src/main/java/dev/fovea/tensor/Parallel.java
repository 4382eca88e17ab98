package dev.fovea.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The one shared worker pool. Sized to the cores unless the system property {@code fovea.threads}
 * (or {@link #setThreads}) says otherwise. Kernels split index ranges over it; no thread is ever
 * created per call.
 */
public final class Parallel {
    /** Body of a parallel loop: handles indices [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static volatile ForkJoinPool pool = newPool(defaultThreads());

    private Parallel() {}

    private static int defaultThreads() {
        String p = System.getProperty("fovea.threads");
        if (p != null && !p.isBlank()) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the core count
            }
            throw new IllegalArgumentException("fovea.threads must be a positive integer, got '" + p + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static ForkJoinPool newPool(int threads) {
        return new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("fovea-worker-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    public static int threads() { return pool.getParallelism(); }

    /** Replaces the shared pool (e.g. {@code --threads}); call before work starts. */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (threads == pool.getParallelism()) return;
        ForkJoinPool old = pool;
        pool = newPool(threads);
        old.shutdown();
    }

    /**
     * Runs body over [0, n) split into at most {@code threads()} contiguous chunks of at least
     * {@code grain} indices. Runs inline when one chunk suffices or when already on a worker.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(threads(), Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == pool) {
            body.run(0, n);
            return;
        }
        pool.invoke(new Chunks(n, chunks, body, 0, chunks));
    }

    /** Splits chunk indices [lo, hi) in halves; each leaf runs one contiguous index range. */
    private static final class Chunks extends RecursiveAction {
        private final int n, chunks, lo, hi;
        private final RangeBody body;

        Chunks(int n, int chunks, RangeBody body, int lo, int hi) {
            this.n = n; this.chunks = chunks; this.body = body; this.lo = lo; this.hi = hi;
        }

        @Override protected void compute() {
            if (hi - lo == 1) {
                int from = (int) ((long) n * lo / chunks);
                int to = (int) ((long) n * (lo + 1) / chunks);
                body.run(from, to);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunks(n, chunks, body, lo, mid), new Chunks(n, chunks, body, mid, hi));
        }
    }
}
