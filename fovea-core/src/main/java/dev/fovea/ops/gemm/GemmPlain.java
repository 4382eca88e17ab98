package dev.fovea.ops.gemm;

import dev.fovea.tensor.Parallel;

/**
 * GEMM in plain Java, for JVMs without the Vector API module (see
 * {@link dev.fovea.tensor.VectorSupport}): C(m, n) = op(A) · op(B) + beta · C, row-major.
 * Four rows of C at a time accumulate a · (row p of op(B)) for every p, so each row of op(B) is
 * read once per four rows of C and the innermost loop is a contiguous multiply-add over columns,
 * which C2 vectorises on its own. A transposed B is first copied upright into a per-thread buffer
 * so that this loop stays contiguous. Rows are split over {@link Parallel}. Held equal to
 * {@link GemmReference} by tests.
 */
final class GemmPlain {
    /** Rows of C per task: enough that a task amortises reading all of op(B). */
    private static final int ROWS = 4;

    private static final ThreadLocal<float[][]> UPRIGHT = ThreadLocal.withInitial(() -> new float[1][0]);

    private GemmPlain() {}

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        float[] bb = b;
        int bo = bOff, bl = ldb;
        if (transB) {
            // op(B)(p, j) = b[bOff + j * ldb + p]: copy it to (k, n) row-major.
            float[][] holder = UPRIGHT.get();
            if (holder[0].length < k * n) holder[0] = new float[k * n];
            bb = holder[0];
            for (int j = 0; j < n; j++) {
                int s = bOff + j * ldb;
                for (int p = 0; p < k; p++) bb[p * n + j] = b[s + p];
            }
            bo = 0;
            bl = n;
        }
        float[] bu = bb;
        int bOffset = bo, bLd = bl;
        int blocks = (m + ROWS - 1) / ROWS;
        long work = (long) m * n * k;
        Parallel.forRange(blocks, work < Gemm.PARALLEL_MIN_FMAS ? blocks : 1, (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                rows(blk * ROWS, Math.min(m, blk * ROWS + ROWS), transA, n, k, a, aOff, lda, bu, bOffset, bLd, beta, c, cOff, ldc);
            }
        });
    }

    /** Rows i0 <= i < i1 (at most four) of C; B is upright: op(B)(p, j) = b[bOff + p * ldb + j]. */
    private static void rows(int i0, int i1, boolean transA, int n, int k, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        for (int i = i0; i < i1; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, ci, ci + n, 0f);
            else if (beta != 1f) for (int j = 0; j < n; j++) c[ci + j] *= beta;
        }
        // op(A)(i, p) = a[aOff + i * ai + p * ap]
        int ai = transA ? 1 : lda, ap = transA ? lda : 1;
        int rows = i1 - i0;
        int c0 = cOff + i0 * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * ldb;
            int ap0 = aOff + i0 * ai + p * ap;
            if (rows == 4) {
                float a0 = a[ap0], a1 = a[ap0 + ai], a2 = a[ap0 + 2 * ai], a3 = a[ap0 + 3 * ai];
                for (int j = 0; j < n; j++) {
                    float bv = b[bp + j];
                    c[c0 + j] += a0 * bv;
                    c[c1 + j] += a1 * bv;
                    c[c2 + j] += a2 * bv;
                    c[c3 + j] += a3 * bv;
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    float av = a[ap0 + r * ai];
                    int cr = c0 + r * ldc;
                    for (int j = 0; j < n; j++) c[cr + j] += av * b[bp + j];
                }
            }
        }
    }
}
