package dev.fovea.ops.gemm;

/**
 * Plain loops for products too small to pay for packing: one dot product per output. Below the
 * threshold in {@link Gemm} this beat the packed kernel on the benchmark machine, and it keeps
 * tiny calls off Vector API code, which runs very slowly until the JIT has compiled it.
 */
final class GemmSmall {
    private GemmSmall() {}

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        // op(A)(i, p) = a[aOff + i * ai + p * ap]; op(B)(p, j) = b[bOff + p * bp + j * bj].
        int ai = transA ? 1 : lda, ap = transA ? lda : 1;
        int bp = transB ? 1 : ldb, bj = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0, x = aOff + i * ai, y = bOff + j * bj; p < k; p++, x += ap, y += bp) {
                    s = Math.fma(a[x], b[y], s);
                }
                c[ci + j] = beta == 0f ? s : Math.fma(beta, c[ci + j], s);
            }
        }
    }
}
