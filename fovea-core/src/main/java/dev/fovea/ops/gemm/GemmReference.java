package dev.fovea.ops.gemm;

/**
 * The plain triple-loop GEMM, kept as the oracle for {@link Gemm}. Row-major, with leading
 * dimensions, and transposes read in place (never materialised):
 * C(m, n) = op(A)(m, k) · op(B)(k, n) + beta · C.
 */
public final class GemmReference {
    private GemmReference() {}

    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += (double) av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = (float) (beta == 0f ? s : s + beta * c[ci]);
            }
        }
    }
}
