package dev.fovea.ops.gemm;

import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.VectorSupport;

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
        if (!VectorSupport.available()) {
            GemmPlain.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int threads = Parallel.threads();
        if (threads == 1 || (long) m * n * k < PARALLEL_MIN_FMAS) {
            GemmBlocked.run(transA, transB, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        GemmParallel.gemm(threads, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
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
}
