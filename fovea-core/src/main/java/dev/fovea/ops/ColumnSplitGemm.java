package dev.fovea.ops;

import dev.fovea.ops.gemm.Gemm;
import dev.fovea.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One GEMM, C = op(A) · op(B) + beta · C, split by ranges of C's columns (or, for C narrower than
 * two ranges, of its rows) over the shared pool with a reused body, so the split allocates
 * nothing; each range is an independent single-threaded {@link Gemm#gemm} call (inside a loop body
 * {@link Parallel#threads()} is 1). Why not let Gemm split it: for the layer shapes here a column
 * split is what its cost model picks anyway, its split allocates a task per call, and doing it
 * here lets each thread finish its own columns (bias, ReLU) while they are in cache.
 */
final class ColumnSplitGemm implements Parallel.RangeBody {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Below this many multiply-adds the product runs on the calling thread. */
    private static final long PARALLEL_MIN_FMAS = 1L << 19;
    /** Ranges start on multiples of this many columns, whole GEMM tiles on any vector width. */
    private static final int ALIGN = 64;
    /** Row ranges start on multiples of this many rows (whole 12-row GEMM tiles). */
    private static final int ROW_ALIGN = 48;

    private boolean transA, transB;
    private int m, n, k, lda, ldb, ldc, parts;
    private boolean byRows;
    private float[] a, b, c, bias;
    private float beta;
    private boolean relu;

    /**
     * C (m, n) = op(A) · op(B) + beta · C, then + bias (n, nullable) on every row, then ReLU when
     * asked. Bias and ReLU are one pass per thread over its block while it is in cache; adding the
     * bias after the product (rather than starting C at it) lets GEMM write its first depth block
     * with beta 0, straight from registers.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int lda, float[] b, int ldb,
              float beta, float[] c, int ldc, float[] bias, boolean relu) {
        this.transA = transA; this.transB = transB; this.m = m; this.n = n; this.k = k;
        this.a = a; this.lda = lda; this.b = b; this.ldb = ldb; this.beta = beta; this.c = c; this.ldc = ldc;
        this.bias = bias; this.relu = relu;
        int threads = (long) m * n * k < PARALLEL_MIN_FMAS ? 1 : Parallel.threads();
        int columnBlocks = (n + ALIGN - 1) / ALIGN, rowBlocks = (m + ROW_ALIGN - 1) / ROW_ALIGN;
        byRows = columnBlocks < threads && rowBlocks > columnBlocks;
        parts = Math.max(1, Math.min(threads, byRows ? rowBlocks : columnBlocks));
        try {
            Parallel.forRange(parts, 1, this);
        } finally {
            this.a = null; this.b = null; this.c = null; this.bias = null;
        }
    }

    @Override public void run(int p0, int p1) {
        int align = byRows ? ROW_ALIGN : ALIGN, size = byRows ? m : n;
        int blocks = (size + align - 1) / align;
        for (int p = p0; p < p1; p++) {
            int lo = Math.min(size, (int) ((long) blocks * p / parts) * align);
            int hi = Math.min(size, (int) ((long) blocks * (p + 1) / parts) * align);
            if (hi > lo) {
                if (byRows) block(lo, hi, 0, n);
                else block(0, m, lo, hi);
            }
        }
    }

    /** C (i0 : i1, j0 : j1). */
    private void block(int i0, int i1, int j0, int j1) {
        // op(A)'s rows i0.. start at row i0 of A, or at column i0 when A is stored transposed;
        // op(B)'s columns j0.. start at column j0 of B, or at row j0 when B is stored transposed.
        int aOff = transA ? i0 : i0 * lda, bOff = transB ? j0 * ldb : j0;
        Gemm.gemm(transA, transB, i1 - i0, j1 - j0, k, a, aOff, lda, b, bOff, ldb, beta, c, i0 * ldc + j0, ldc);
        if (bias != null || relu) {
            for (int r = i0; r < i1; r++) biasRelu(c, r * ldc, j0, j1);
        }
    }

    /** c[row + j] = relu?(c[row + j] + bias[j]) for j in [j0, j1). */
    private void biasRelu(float[] c, int row, int j0, int j1) {
        int j = j0;
        for (int upper = j0 + S.loopBound(j1 - j0); j < upper; j += S.length()) {
            FloatVector v = FloatVector.fromArray(S, c, row + j);
            if (bias != null) v = v.add(FloatVector.fromArray(S, bias, j));
            if (relu) v = v.max(0f);
            v.intoArray(c, row + j);
        }
        for (; j < j1; j++) {
            float v = c[row + j] + (bias == null ? 0f : bias[j]);
            c[row + j] = relu ? Math.max(0f, v) : v;
        }
    }
}
