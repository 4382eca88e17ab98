package dev.fovea.ops.gemm;

import static dev.fovea.ops.gemm.GemmMicroKernel.MR;
import static dev.fovea.ops.gemm.GemmMicroKernel.NR;

import dev.fovea.tensor.Parallel;

/**
 * Splits one GEMM over the shared pool. Each part is an independent {@link GemmBlocked#run} on a
 * contiguous range of whole tiles, so parts never write the same element of C:
 * <ul>
 *   <li>ROWS: ranges of C's rows; every part packs all of B.</li>
 *   <li>COLUMNS: ranges of C's columns; every part packs all of A.</li>
 *   <li>DEPTH: ranges of k, for small C and long k (weight gradients: C is (288, 64), k is the
 *       pixel count). Part 0 writes C with the caller's beta, the others write partial products
 *       to a buffer of the calling thread, added into C after the join. Nothing is packed twice.</li>
 * </ul>
 * The split is the one with the least estimated time for the busiest part.
 */
final class GemmParallel {
    enum Split { ROWS, COLUMNS, DEPTH }

    /**
     * Cost of packing one element, in multiply-adds (a core does about 70 G multiply-adds a second
     * in GEMM): a copy of contiguous runs (B as stored, transposed A) measured about 0.2 ns an
     * element, a transposing pack (A as stored, transposed B) 0.35 to 0.6 ns.
     */
    private static final double COPY_COST = 14, TRANSPOSE_COST = 30;
    /** Row-major A read in place is not packed, but each part still streams its rows from memory. */
    private static final double IN_PLACE_COST = 5;
    /**
     * Cost of one partial-product element of a depth split, in multiply-adds: written by its part,
     * then read and added into C by the calling thread alone.
     */
    private static final double REDUCE_COST = 30;
    /**
     * Largest partial-product buffer (floats) a depth split may use: 1 MiB, so the partials stay
     * in cache for the reduction, which runs on one thread after the join.
     */
    private static final long DEPTH_MAX_PARTIAL = 1 << 18;

    /** The calling thread's buffer for the partial products of a depth split. */
    private static final ThreadLocal<float[][]> PARTIALS = ThreadLocal.withInitial(() -> new float[1][0]);

    private GemmParallel() {}

    static Split choose(boolean transA, boolean transB, int m, int n, int k, int parts) {
        int mt = ceilDiv(m, MR), nt = ceilDiv(n, NR);
        double rowsPer = (double) ceilDiv(mt, parts) * MR, colsPer = (double) ceilDiv(nt, parts) * NR;
        double packA = transA ? COPY_COST : TRANSPOSE_COST, packB = transB ? TRANSPOSE_COST : COPY_COST;
        // Row-major A is read in place, not packed, when a part's C is narrow (see GemmBlocked).
        double packARows = !transA && n <= GemmBlocked.IN_PLACE_A_MAX_COLUMNS ? IN_PLACE_COST : packA;
        double packACols = !transA && colsPer <= GemmBlocked.IN_PLACE_A_MAX_COLUMNS ? IN_PLACE_COST : packA;
        double rows = rowsPer * nt * NR * k + packB * k * n + packARows * rowsPer * k;
        double cols = colsPer * mt * MR * k + packB * k * colsPer + packACols * (double) m * k;
        double depth = Double.MAX_VALUE;
        // Each part must keep at least one full depth block, or the split only adds passes over C.
        if (k >= parts * GemmBlocked.KC && (long) m * n * (parts - 1) <= DEPTH_MAX_PARTIAL) {
            double kPer = ceilDiv(k, parts);
            double packADepth = !transA && n <= GemmBlocked.IN_PLACE_A_MAX_COLUMNS ? IN_PLACE_COST : packA;
            depth = (double) mt * MR * nt * NR * kPer + (packADepth * m + packB * n) * kPer
                    + REDUCE_COST * (double) m * n * (parts - 1);
        }
        if (depth < rows && depth < cols) return Split.DEPTH;
        return rows <= cols ? Split.ROWS : Split.COLUMNS;
    }

    static void gemm(int parts, boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Split split = choose(transA, transB, m, n, k, parts);
        if (split == Split.DEPTH) {
            depth(parts, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        boolean byRows = split == Split.ROWS;
        int tiles = byRows ? ceilDiv(m, MR) : ceilDiv(n, NR);
        int p = Math.min(parts, tiles);
        // The capturing lambda is the only per-call allocation, alongside the pool's own task objects.
        Parallel.forRange(p, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                int t0 = (int) ((long) tiles * t / p), t1 = (int) ((long) tiles * (t + 1) / p);
                if (byRows) {
                    GemmBlocked.run(transA, transB, t0 * MR, Math.min(m, t1 * MR), 0, n, k,
                            a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                } else {
                    GemmBlocked.run(transA, transB, 0, m, t0 * NR, Math.min(n, t1 * NR), k,
                            a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                }
            }
        });
    }

    private static void depth(int parts, boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        int size = m * n;  // fits: C (m, n) is inside an array
        float[][] holder = PARTIALS.get();
        if (holder[0].length < size * (parts - 1)) holder[0] = new float[size * (parts - 1)];  // <= DEPTH_MAX_PARTIAL
        float[] partial = holder[0];  // (parts - 1, m, n)
        Parallel.forRange(parts, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                int p0 = (int) ((long) k * t / parts), p1 = (int) ((long) k * (t + 1) / parts);
                // op(A)(:, p0 : p1) and op(B)(p0 : p1, :) are the same arrays at shifted offsets.
                int aAt = aOff + (transA ? p0 * lda : p0), bAt = bOff + (transB ? p0 : p0 * ldb);
                if (t == 0) {
                    GemmBlocked.run(transA, transB, 0, m, 0, n, p1 - p0, a, aAt, lda, b, bAt, ldb, beta, c, cOff, ldc);
                } else {
                    GemmBlocked.run(transA, transB, 0, m, 0, n, p1 - p0, a, aAt, lda, b, bAt, ldb,
                            0f, partial, (t - 1) * size, n);
                }
            }
        });
        for (int t = 1; t < parts; t++) {
            for (int i = 0, src = (t - 1) * size; i < m; i++, src += n) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) c[ci + j] += partial[src + j];
            }
        }
    }

    private static int ceilDiv(int x, int y) { return (x + y - 1) / y; }
}
