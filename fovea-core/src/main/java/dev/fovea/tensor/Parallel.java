package dev.fovea.tensor;

/**
 * The one shared worker pool. Sized to the cores unless the system property {@code fovea.threads}
 * (or {@link #setThreads}) says otherwise. Kernels split index ranges over it; no thread is ever
 * created per call, and a loop allocates nothing (see {@link WorkerPool}), so kernels that pass a
 * reused body object rather than a capturing lambda run allocation-free.
 */
public final class Parallel {
    /** Body of a parallel loop: handles indices [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static volatile WorkerPool pool = new WorkerPool(defaultThreads());
    /**
     * Chunks per thread a large loop is cut into (one with at least this many grains per thread):
     * threads claim chunks as they go, so when another process takes a core from one of our
     * threads mid-loop, the others take over its unclaimed chunks instead of waiting for it.
     * Smaller loops get one chunk per thread. Overridable with {@code fovea.chunksPerThread}.
     */
    private static final int CHUNKS_PER_THREAD = Math.max(1, Integer.getInteger("fovea.chunksPerThread", 4));

    private Parallel() {}

    /**
     * Past a few threads per core a pool only adds switching and memory (each thread has its
     * stack): 100,000 threads once took a machine to a load of 1600.
     */
    public static final int MAX_THREADS_PER_CORE = 4;

    /** The most threads {@link #setThreads} accepts: {@value #MAX_THREADS_PER_CORE} per core. */
    public static int maxThreads() {
        return MAX_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
    }

    private static int defaultThreads() {
        String p = System.getProperty("fovea.threads");
        if (p != null && !p.isBlank()) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1 && n <= maxThreads()) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the core count
            }
            throw new IllegalArgumentException("fovea.threads must be an integer in 1.." + maxThreads() + ", got '" + p + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Threads a parallel loop started by the caller can use: the pool's size, or 1 inside a loop
     * body (nested loops run inline), so a kernel called from a loop body takes its serial path.
     */
    public static int threads() {
        WorkerPool p = pool;
        return p.inLoop() ? 1 : p.size();
    }

    /** Replaces the shared pool (e.g. {@code --threads}); call before work starts. */
    public static synchronized void setThreads(int threads) {
        if (threads < 1 || threads > maxThreads()) {
            throw new IllegalArgumentException("threads must be 1.." + maxThreads() + " (" + MAX_THREADS_PER_CORE + " per core), got " + threads);
        }
        if (threads == pool.size()) return;
        WorkerPool old = pool;
        pool = new WorkerPool(threads);
        old.shutdown();
    }

    /**
     * Runs body over [0, n) split into contiguous chunks of at least {@code grain} indices (a few
     * per thread, claimed dynamically), so body must accept any split. Runs inline when one chunk
     * suffices, inside another loop's body, or while another thread's loop holds the pool.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        WorkerPool p = pool;
        if (p.size() == 1) {
            body.run(0, n);
            return;
        }
        int grains = Math.max(1, n / Math.max(1, grain)), fine = p.size() * CHUNKS_PER_THREAD;
        int chunks = grains >= fine ? fine : Math.min(p.size(), grains);
        if (chunks <= 1 || !p.run(n, chunks, body)) body.run(0, n);
    }
}
