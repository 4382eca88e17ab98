package dev.fovea.ops;

import dev.fovea.tensor.Parallel;

import java.util.Arrays;

/**
 * Lowers convolution windows to a matrix and back, so that convolution becomes one GEMM.
 * Row r = (b, oy, ox) of the column matrix holds the window under output pixel (oy, ox) of image
 * b, laid out (KH, KW, C) to match the HWIO kernel flattened to (KH*KW*C, F). Padding reads as 0.
 */
final class Im2Col {
    private Im2Col() {}

    /** col (N*OH*OW, KH*KW*C) from x (N, H, W, C). */
    static void lower(float[] col, float[] x, int n, int c, WindowGeometry g) {
        int rowsPerImage = g.outH() * g.outW();
        int k = g.kH() * g.kW() * c;
        Parallel.forRange(n, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                int xBase = b * g.inH() * g.inW() * c;
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int r = (b * rowsPerImage + oy * g.outW() + ox) * k;
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = oy * g.strideH() - g.padTop() + ky;
                            int dst = r + ky * g.kW() * c;
                            if (iy < 0 || iy >= g.inH()) {
                                Arrays.fill(col, dst, dst + g.kW() * c, 0f);
                                continue;
                            }
                            int ix0 = ox * g.strideW() - g.padLeft();
                            if (ix0 >= 0 && ix0 + g.kW() <= g.inW()) {
                                // Whole window row inside: one contiguous copy of KW*C floats.
                                System.arraycopy(x, xBase + (iy * g.inW() + ix0) * c, col, dst, g.kW() * c);
                            } else {
                                for (int kx = 0; kx < g.kW(); kx++) {
                                    int ix = ix0 + kx;
                                    int d = dst + kx * c;
                                    if (ix < 0 || ix >= g.inW()) Arrays.fill(col, d, d + c, 0f);
                                    else System.arraycopy(x, xBase + (iy * g.inW() + ix) * c, col, d, c);
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** dx (N, H, W, C) = sum of dCol (N*OH*OW, KH*KW*C) windows scattered back (overwrites dx). */
    static void raise(float[] dx, float[] dCol, int n, int c, WindowGeometry g) {
        int rowsPerImage = g.outH() * g.outW();
        int k = g.kH() * g.kW() * c;
        int imageSize = g.inH() * g.inW() * c;
        Parallel.forRange(n, 1, (from, to) -> {
            Arrays.fill(dx, from * imageSize, to * imageSize, 0f);
            for (int b = from; b < to; b++) {
                int xBase = b * imageSize;
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int r = (b * rowsPerImage + oy * g.outW() + ox) * k;
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = oy * g.strideH() - g.padTop() + ky;
                            if (iy < 0 || iy >= g.inH()) continue;
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ix = ox * g.strideW() - g.padLeft() + kx;
                                if (ix < 0 || ix >= g.inW()) continue;
                                int src = r + (ky * g.kW() + kx) * c;
                                int dst = xBase + (iy * g.inW() + ix) * c;
                                for (int ci = 0; ci < c; ci++) dx[dst + ci] += dCol[src + ci];
                            }
                        }
                    }
                }
            }
        });
    }
}
