package dev.fovea.bench;

import java.util.Arrays;

/**
 * The i-p-j loop that {@code Gemm} used before the packed kernel, kept here only as the baseline
 * the benchmarks compare against ("small problems must not lose to the simple loop").
 * Single-threaded; C2 auto-vectorises its inner loop when B is not transposed.
 */
final class SimpleLoopGemm {
    private SimpleLoopGemm() {}

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, ci, ci + n, 0f);
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
