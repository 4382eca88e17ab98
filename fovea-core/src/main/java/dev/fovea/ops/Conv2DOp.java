package dev.fovea.ops;

import dev.fovea.ops.gemm.Gemm;

/**
 * 2-D convolution, NHWC input and HWIO kernel (Keras layouts), forward and backward side by side.
 * Lowered to GEMM via {@link Im2Col}: out (N*OH*OW, F) = col (N*OH*OW, KH*KW*C) · kernel (KH*KW*C, F);
 * filters with few taps (the first layer) use {@link DirectConv2D} instead, which lowers nothing.
 * The column matrix built by forward is kept for the kernel gradient, so one instance serves one
 * layer and forward must precede its backward. Buffers grow once and are reused (no per-step
 * allocation at a fixed batch size).
 */
public final class Conv2DOp {
    private float[] col = new float[0];   // (N*OH*OW, KH*KW*C) from the last forward
    private float[] dCol = new float[0];  // same shape, for the input gradient
    private final ColumnSums biasGrad = new ColumnSums();
    private final DirectConv2D direct = new DirectConv2D();
    private float[] lastInput;            // x of the last forward, for the direct kernel gradient

    /**
     * out (N, OH, OW, F) = x (N, H, W, C) * kernel (KH, KW, C, F) + bias (F); bias may be null.
     */
    public void forward(float[] out, float[] x, float[] kernel, float[] bias, int n, int c, int f, WindowGeometry g) {
        int m = n * g.outH() * g.outW();
        int k = g.kH() * g.kW() * c;
        if (k <= DirectConv2D.MAX_TAPS) {
            lastInput = x;
            direct.forward(out, x, kernel, bias, n, c, f, g);
            return;
        }
        col = ensure(col, m * k);
        Im2Col.lower(col, x, n, c, g);
        if (bias != null) {
            // Start C at the bias and let GEMM accumulate onto it (beta = 1): bias costs no extra pass.
            for (int r = 0; r < m; r++) System.arraycopy(bias, 0, out, r * f, f);
        }
        Gemm.gemm(false, false, m, f, k, col, 0, k, kernel, 0, f, bias == null ? 0f : 1f, out, 0, f);
    }

    /**
     * Accumulates dKernel (KH, KW, C, F) and dBias (F, nullable); overwrites dx (N, H, W, C) unless
     * it is null (the first layer needs no input gradient). dy is (N, OH, OW, F).
     */
    public void backward(float[] dx, float[] dKernel, float[] dBias, float[] dy, float[] kernel,
                         int n, int c, int f, WindowGeometry g) {
        int m = n * g.outH() * g.outW();
        int k = g.kH() * g.kW() * c;
        if (k <= DirectConv2D.MAX_TAPS) {
            direct.backwardKernel(dKernel, dBias, dy, lastInput, n, c, f, g);
        } else {
            if (col.length < m * k) throw new IllegalStateException("Conv2DOp.backward called before forward at this batch size");
            // dKernel (K, F) += colᵀ (K, M) · dy (M, F)
            Gemm.gemm(true, false, k, f, m, col, 0, k, dy, 0, f, 1f, dKernel, 0, f);
            if (dBias != null) biasGrad.accumulate(dBias, dy, m, f);
        }
        if (dx != null) {
            dCol = ensure(dCol, m * k);
            // dCol (M, K) = dy (M, F) · kernelᵀ (F, K)
            Gemm.gemm(false, true, m, k, f, dy, 0, f, kernel, 0, f, 0f, dCol, 0, k);
            Im2Col.raise(dx, dCol, n, c, g);
        }
    }

    private static float[] ensure(float[] buf, int size) {
        return buf.length >= size ? buf : new float[size];
    }
}
