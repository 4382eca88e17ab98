package dev.fovea.ops;

import dev.fovea.ops.gemm.Gemm;
import dev.fovea.tensor.VectorSupport;

/**
 * Fully connected layer: y (N, U) = x (N, I) · kernel (I, U) + bias (U). GEMMs split by output
 * columns ({@link ColumnSplitGemm}), with bias and ReLU applied by each thread to its own columns;
 * one or two rows take {@link DenseRows}, which streams the kernel instead of packing it.
 */
public final class DenseOp {
    private final ColumnSums biasGrad = new ColumnSums();
    // Both use the Vector API; without it (null) the products run on Gemm's plain kernels.
    private final ColumnSplitGemm gemm = VectorSupport.available() ? new ColumnSplitGemm() : null;
    private final DenseRows rows = VectorSupport.available() ? new DenseRows() : null;

    /** bias may be null. */
    public void forward(float[] y, float[] x, float[] kernel, float[] bias, int n, int in, int units) {
        forward(y, x, kernel, bias, false, n, in, units);
    }

    /** As {@link #forward(float[], float[], float[], float[], int, int, int)}, then ReLU when {@code relu}. */
    public void forward(float[] y, float[] x, float[] kernel, float[] bias, boolean relu, int n, int in, int units) {
        if (gemm == null) {
            // Start y at the bias and let GEMM accumulate onto it (beta 1), then ReLU.
            if (bias != null) for (int r = 0; r < n; r++) System.arraycopy(bias, 0, y, r * units, units);
            Gemm.gemm(false, false, n, units, in, x, 0, in, kernel, 0, units, bias == null ? 0f : 1f, y, 0, units);
            if (relu) ReluOp.forward(y, y, n * units);
            return;
        }
        if (n <= DenseRows.MAX_ROWS) {
            rows.forward(y, x, kernel, bias, relu, n, in, units);
            return;
        }
        gemm.gemm(false, false, n, units, in, x, in, kernel, units, 0f, y, units, bias, relu);
    }

    /** Accumulates dKernel (I, U) and dBias (U, nullable); overwrites dx (N, I) unless null. */
    public void backward(float[] dx, float[] dKernel, float[] dBias, float[] dy, float[] x, float[] kernel,
                         int n, int in, int units) {
        backward(dx, dKernel, dBias, dy, x, kernel, n, in, units, false, false);
    }

    /**
     * As {@link #backward(float[], float[], float[], float[], float[], float[], int, int, int)}, but
     * overwrites dKernel (dBias) instead of accumulating when {@code setKernel} ({@code setBias}):
     * GEMM with beta 0 neither reads the old gradient nor merges into it.
     */
    public void backward(float[] dx, float[] dKernel, float[] dBias, float[] dy, float[] x, float[] kernel,
                         int n, int in, int units, boolean setKernel, boolean setBias) {
        // dKernel (I, U) (+)= xᵀ (I, N) · dy (N, U)
        product(true, false, in, units, n, x, in, dy, units, setKernel ? 0f : 1f, dKernel, units);
        if (dBias != null) {
            if (setBias) biasGrad.set(dBias, dy, n, units);
            else biasGrad.accumulate(dBias, dy, n, units);
        }
        // dx (N, I) = dy (N, U) · kernelᵀ (U, I)
        if (dx != null) product(false, true, n, in, units, dy, units, kernel, units, 0f, dx, in);
    }

    /** C (m, n) = op(A) · op(B) + beta · C, split by columns when the Vector API is there. */
    private void product(boolean transA, boolean transB, int m, int n, int k, float[] a, int lda, float[] b, int ldb,
                         float beta, float[] c, int ldc) {
        if (gemm != null) gemm.gemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc, null, false);
        else Gemm.gemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, beta, c, 0, ldc);
    }
}
