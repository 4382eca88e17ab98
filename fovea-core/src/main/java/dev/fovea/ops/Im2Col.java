package dev.fovea.ops;

import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.VectorSupport;

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

    /**
     * dx image at xBase (H, W, C) += that image's dCol rows at colBase (OH*OW, KH*KW*C) scattered
     * back; a window row's taps inside the image are one contiguous run of dx, added as vectors.
     */
    static void raiseImage(float[] dx, int xBase, float[] dCol, int colBase, int c, WindowGeometry g) {
        int k = g.kH() * g.kW() * c;
        for (int oy = 0; oy < g.outH(); oy++) {
            for (int ox = 0; ox < g.outW(); ox++) {
                int r = colBase + (oy * g.outW() + ox) * k;
                int ix0 = ox * g.strideW() - g.padLeft();
                int kx0 = Math.max(0, -ix0), kx1 = Math.min(g.kW(), g.inW() - ix0);
                if (kx1 <= kx0) continue;
                for (int ky = 0; ky < g.kH(); ky++) {
                    int iy = oy * g.strideH() - g.padTop() + ky;
                    if (iy < 0 || iy >= g.inH()) continue;
                    addRun(dx, xBase + (iy * g.inW() + ix0 + kx0) * c, dCol, r + (ky * g.kW() + kx0) * c, (kx1 - kx0) * c);
                }
            }
        }
    }

    private static void addRun(float[] dst, int d, float[] src, int s, int len) {
        int i = VectorSupport.available() ? VectorLoops.addRun(dst, d, src, s, len) : 0;
        for (; i < len; i++) dst[d + i] += src[s + i];
    }
}
