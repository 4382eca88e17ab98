package dev.fovea.ops.gemm;

import static dev.fovea.ops.gemm.GemmMicroKernel.MR;
import static dev.fovea.ops.gemm.GemmMicroKernel.NR;

import dev.fovea.tensor.Parallel;

/**
 * Single-precision GEMM, row-major: C(m, n) = op(A)(m, k) · op(B)(k, n) + beta · C, where op(X)
 * is X or its transpose (read in place). beta == 0 overwrites C (NaNs in C are not propagated).
 * Work is split over {@link Parallel}. Held equal to {@link GemmReference} by tests.
 *
 * <p>Arguments are checked here, once; everything below trusts them.
 */
public final class Gemm {
    /** Up to this many multiply-adds the plain loops of {@link GemmSmall} win (measured). */
    static final long SMALL_MAX_FMAS = 128;
    /**
     * Below this many multiply-adds a fork costs more than the second core gives back: handing
     * two chunks to the pool measured 4 us back to back and 12 us when the workers had parked,
     * while 2^21 multiply-adds take one core about 30 us.
     */
    static final long PARALLEL_MIN_FMAS = 1L << 21;
    /**
     * Cost of packing one element, in multiply-adds; used to weigh the redundant packing each
     * split causes (splitting rows makes every thread pack all of B, splitting columns all of A).
     */
    private static final double PACK_COST = 8;

    private Gemm() {}

    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        GemmChecks.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if ((long) m * n * k <= SMALL_MAX_FMAS) {
            GemmSmall.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int threads = Parallel.threads();
        if (threads == 1 || (long) m * n * k < PARALLEL_MIN_FMAS) {
            GemmBlocked.run(transA, transB, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        // Each thread gets a contiguous range of whole tiles along one dimension, chosen by the
        // estimated time of the busiest thread: compute on its share plus the packing it repeats.
        int mt = ceilDiv(m, MR), nt = ceilDiv(n, NR);
        int mPer = ceilDiv(mt, threads) * MR, nPer = ceilDiv(nt, threads) * NR;
        double costRows = (double) mPer * nt * NR * k + PACK_COST * ((double) k * n + (double) mPer * k);
        double costCols = (double) nPer * mt * MR * k + PACK_COST * ((double) k * m + (double) nPer * k);
        boolean byRows = costRows <= costCols;
        int tiles = byRows ? mt : nt;
        int parts = Math.min(threads, tiles);
        // The capturing lambda is the only per-call allocation, alongside the pool's own task objects.
        Parallel.forRange(parts, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                int t0 = (int) ((long) tiles * t / parts), t1 = (int) ((long) tiles * (t + 1) / parts);
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

    /** C = beta · C, the whole product when k == 0; beta == 0 writes zeros without reading C. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else {
                for (int j = 0; j < n; j++) c[ci + j] *= beta;
            }
        }
    }

    private static int ceilDiv(int x, int y) { return (x + y - 1) / y; }
}
