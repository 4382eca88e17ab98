package dev.fovea.ops;

import dev.fovea.ops.gemm.Gemm;

/** Fully connected layer: y (N, U) = x (N, I) · kernel (I, U) + bias (U). */
public final class DenseOp {
    private final ColumnSums biasGrad = new ColumnSums();

    /** bias may be null. */
    public void forward(float[] y, float[] x, float[] kernel, float[] bias, int n, int in, int units) {
        if (bias != null) {
            for (int r = 0; r < n; r++) System.arraycopy(bias, 0, y, r * units, units);
        }
        Gemm.gemm(false, false, n, units, in, x, 0, in, kernel, 0, units, bias == null ? 0f : 1f, y, 0, units);
    }

    /** Accumulates dKernel (I, U) and dBias (U, nullable); overwrites dx (N, I) unless null. */
    public void backward(float[] dx, float[] dKernel, float[] dBias, float[] dy, float[] x, float[] kernel,
                         int n, int in, int units) {
        // dKernel (I, U) += xᵀ (I, N) · dy (N, U)
        Gemm.gemm(true, false, in, units, n, x, 0, in, dy, 0, units, 1f, dKernel, 0, units);
        if (dBias != null) biasGrad.accumulate(dBias, dy, n, units);
        // dx (N, I) = dy (N, U) · kernelᵀ (U, I)
        if (dx != null) Gemm.gemm(false, true, n, in, units, dy, 0, units, kernel, 0, units, 0f, dx, 0, in);
    }
}
