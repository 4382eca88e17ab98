package dev.fovea.ops.gemm;

import dev.fovea.tensor.Parallel;

/**
 * Single-precision GEMM, row-major: C(m, n) = op(A)(m, k) · op(B)(k, n) + beta · C, where op(X)
 * is X or its transpose (read in place). beta == 0 overwrites C (NaNs in C are not propagated).
 * Work is split over {@link Parallel}. Held equal to {@link GemmReference} by tests.
 */
public final class Gemm {
    private Gemm() {}

    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        long work = (long) m * n * k;
        int grain = work < (1 << 16) ? m : Math.max(1, (int) Math.min(m, (1L << 16) / Math.max(1L, (long) n * k)));
        Parallel.forRange(m, grain, (from, to) -> rows(transA, transB, from, to, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
    }

    /** Rows [from, to) of C, in i-p-j order so the inner loop streams a row of B and of C. */
    private static void rows(boolean transA, boolean transB, int from, int to, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = from; i < to; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) c[ci + j] *= beta;
            }
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (av == 0f) continue;
                if (transB) {
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bOff + j * ldb + p];
                } else {
                    int bi = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bi + j];
                }
            }
        }
    }
}
