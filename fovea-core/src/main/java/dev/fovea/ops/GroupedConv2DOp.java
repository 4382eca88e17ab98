package dev.fovea.ops;

import dev.fovea.ops.gemm.Gemm;
import dev.fovea.tensor.Parallel;

import java.util.Arrays;

/**
 * Grouped, dilated 2-D convolution with explicit padding (ONNX Conv, Keras Conv2D groups and
 * dilation_rate). NHWC input (N, H, W, C), kernel (KH, KW, C/G, F) and output (N, OH, OW, F):
 * group g reads channels [g*C/G, (g+1)*C/G) and writes filters [g*F/G, (g+1)*F/G). Each group is
 * one GEMM on its own column matrix: out_g (M, F/G) = col_g (M, KH*KW*C/G) · kernel_g, where
 * kernel_g is a column block of the kernel viewed as (KH*KW*C/G, F). The column matrices of the
 * last forward are kept for the kernel gradient; buffers grow once and are reused.
 * Depthwise convolutions (groups = C = F) run forward on {@link DepthwiseConv2D} instead, which
 * builds no column matrix; the backward pass then lowers the remembered input itself.
 */
public final class GroupedConv2DOp {
    private float[] col = new float[0];    // (G, M, KH*KW*C/G) from the last forward
    private float[] dCol = new float[0];   // (M, KH*KW*C/G), one group at a time
    private final ColumnSums biasGrad = new ColumnSums();
    private float[] unlowered;             // the last forward's input when it built no column matrix

    /** out (N, OH, OW, F) = x (N, H, W, C) conv kernel (KH, KW, C/G, F) + bias (F, nullable). */
    public void forward(float[] out, float[] x, float[] kernel, float[] bias, int n, int c, int f, int groups, Window2D g) {
        if (DepthwiseConv2D.supports(c, f, groups)) {
            DepthwiseConv2D.forward(out, x, kernel, bias, n, c, g);
            unlowered = x;
            return;
        }
        forwardLowered(out, x, kernel, bias, n, c, f, groups, g);
    }

    /** Per-group im2col + GEMM only, never {@link DepthwiseConv2D} (for comparisons). */
    public void forwardLowered(float[] out, float[] x, float[] kernel, float[] bias, int n, int c, int f, int groups, Window2D g) {
        unlowered = null;
        int m = n * g.outH() * g.outW();
        int cg = c / groups, fg = f / groups;
        int k = g.kH() * g.kW() * cg;
        col = ensure(col, groups * m * k);
        if (bias != null) {
            for (int r = 0; r < m; r++) System.arraycopy(bias, 0, out, r * f, f);
        }
        for (int gi = 0; gi < groups; gi++) {
            int colOff = gi * m * k;
            lower(col, colOff, x, n, c, gi * cg, cg, g);
            Gemm.gemm(false, false, m, fg, k, col, colOff, k, kernel, gi * fg, f, bias == null ? 0f : 1f, out, gi * fg, f);
        }
    }

    /**
     * Accumulates dKernel (KH, KW, C/G, F) and dBias (F, nullable); overwrites dx (N, H, W, C)
     * unless it is null. dy is (N, OH, OW, F). Forward must have run at this batch size.
     */
    public void backward(float[] dx, float[] dKernel, float[] dBias, float[] dy, float[] kernel,
                         int n, int c, int f, int groups, Window2D g) {
        int m = n * g.outH() * g.outW();
        int cg = c / groups, fg = f / groups;
        int k = g.kH() * g.kW() * cg;
        if (unlowered != null) {
            col = ensure(col, groups * m * k);
            for (int gi = 0; gi < groups; gi++) lower(col, gi * m * k, unlowered, n, c, gi * cg, cg, g);
            unlowered = null;
        }
        if (col.length < groups * m * k) throw new IllegalStateException("GroupedConv2DOp.backward called before forward at this batch size");
        if (dBias != null) biasGrad.accumulate(dBias, dy, m, f);
        if (dx != null) {
            dCol = ensure(dCol, m * k);
            Arrays.fill(dx, 0, n * g.inH() * g.inW() * c, 0f);
        }
        for (int gi = 0; gi < groups; gi++) {
            int colOff = gi * m * k;
            // dKernel_g (K, F/G) += col_gᵀ (K, M) · dy_g (M, F/G)
            Gemm.gemm(true, false, k, fg, m, col, colOff, k, dy, gi * fg, f, 1f, dKernel, gi * fg, f);
            if (dx != null) {
                // dCol_g (M, K) = dy_g (M, F/G) · kernel_gᵀ (F/G, K)
                Gemm.gemm(false, true, m, k, fg, dy, gi * fg, f, kernel, gi * fg, f, 0f, dCol, 0, k);
                raise(dx, dCol, n, c, gi * cg, cg, g);
            }
        }
    }

    /** col[colOff..] (N*OH*OW, KH*KW*cg) from channels [c0, c0+cg) of x (N, H, W, C); padding reads 0. */
    static void lower(float[] col, int colOff, float[] x, int n, int c, int c0, int cg, Window2D g) {
        int k = g.kH() * g.kW() * cg;
        int rowsPerImage = g.outH() * g.outW();
        Parallel.forRange(n, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                int xBase = b * g.inH() * g.inW() * c;
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int r = colOff + (b * rowsPerImage + oy * g.outW() + ox) * k;
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = oy * g.strideH() - g.padTop() + ky * g.dilationH();
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ix = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
                                int d = r + (ky * g.kW() + kx) * cg;
                                if (iy < 0 || iy >= g.inH() || ix < 0 || ix >= g.inW()) Arrays.fill(col, d, d + cg, 0f);
                                else System.arraycopy(x, xBase + (iy * g.inW() + ix) * c + c0, col, d, cg);
                            }
                        }
                    }
                }
            }
        });
    }

    /** Adds the windows of dCol (N*OH*OW, KH*KW*cg) back into channels [c0, c0+cg) of dx (N, H, W, C). */
    static void raise(float[] dx, float[] dCol, int n, int c, int c0, int cg, Window2D g) {
        int k = g.kH() * g.kW() * cg;
        int rowsPerImage = g.outH() * g.outW();
        Parallel.forRange(n, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                int xBase = b * g.inH() * g.inW() * c;
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int r = (b * rowsPerImage + oy * g.outW() + ox) * k;
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = oy * g.strideH() - g.padTop() + ky * g.dilationH();
                            if (iy < 0 || iy >= g.inH()) continue;
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ix = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
                                if (ix < 0 || ix >= g.inW()) continue;
                                int src = r + (ky * g.kW() + kx) * cg;
                                int dst = xBase + (iy * g.inW() + ix) * c + c0;
                                for (int ci = 0; ci < cg; ci++) dx[dst + ci] += dCol[src + ci];
                            }
                        }
                    }
                }
            }
        });
    }

    private static float[] ensure(float[] buf, int size) {
        return buf.length >= size ? buf : new float[size];
    }
}
