package dev.fovea.ops;

/**
 * Plain-loop 2-D convolution (cross-correlation, as every framework computes it), NHWC input,
 * HWIO kernel. The oracle that {@link Conv2DOp} is held equal to; never on a hot path.
 */
public final class Conv2DReference {
    private Conv2DReference() {}

    /**
     * out (N, OH, OW, F) = conv(x (N, H, W, C), kernel (KH, KW, C, F)) + bias (F), bias nullable.
     */
    public static void forward(float[] out, float[] x, float[] kernel, float[] bias, int n, int c, int f, WindowGeometry g) {
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < g.outH(); oy++)
                for (int ox = 0; ox < g.outW(); ox++)
                    for (int o = 0; o < f; o++) {
                        double s = bias == null ? 0 : bias[o];
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = oy * g.strideH() - g.padTop() + ky;
                            if (iy < 0 || iy >= g.inH()) continue;
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ix = ox * g.strideW() - g.padLeft() + kx;
                                if (ix < 0 || ix >= g.inW()) continue;
                                for (int ci = 0; ci < c; ci++) {
                                    s += (double) x[((b * g.inH() + iy) * g.inW() + ix) * c + ci]
                                            * kernel[((ky * g.kW() + kx) * c + ci) * f + o];
                                }
                            }
                        }
                        out[((b * g.outH() + oy) * g.outW() + ox) * f + o] = (float) s;
                    }
    }

    /**
     * Accumulates dKernel (KH, KW, C, F), dBias (F, nullable) and, when dx is not null, overwrites
     * dx (N, H, W, C) from dy (N, OH, OW, F).
     */
    public static void backward(float[] dx, float[] dKernel, float[] dBias, float[] dy, float[] x, float[] kernel,
                                int n, int c, int f, WindowGeometry g) {
        if (dx != null) java.util.Arrays.fill(dx, 0f);
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < g.outH(); oy++)
                for (int ox = 0; ox < g.outW(); ox++)
                    for (int o = 0; o < f; o++) {
                        float d = dy[((b * g.outH() + oy) * g.outW() + ox) * f + o];
                        if (dBias != null) dBias[o] += d;
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = oy * g.strideH() - g.padTop() + ky;
                            if (iy < 0 || iy >= g.inH()) continue;
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ix = ox * g.strideW() - g.padLeft() + kx;
                                if (ix < 0 || ix >= g.inW()) continue;
                                for (int ci = 0; ci < c; ci++) {
                                    int xi = ((b * g.inH() + iy) * g.inW() + ix) * c + ci;
                                    int ki = ((ky * g.kW() + kx) * c + ci) * f + o;
                                    dKernel[ki] += x[xi] * d;
                                    if (dx != null) dx[xi] += kernel[ki] * d;
                                }
                            }
                        }
                    }
    }
}
