package dev.fovea.ops;

import dev.fovea.tensor.Parallel;

/**
 * Average pooling over NHWC windows. With "same" padding the average is over the real cells only
 * (padding is not counted), as TensorFlow/Keras compute it.
 */
public final class AvgPool2DOp {
    private AvgPool2DOp() {}

    /** out (N, OH, OW, C) = mean over each window of x (N, H, W, C). */
    public static void forward(float[] out, float[] x, int n, int c, WindowGeometry g) {
        Parallel.forRange(n, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    int y0 = g.rowStart(oy);
                    int y1 = g.rowEnd(oy);
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int x0 = g.colStart(ox);
                        int x1 = g.colEnd(ox);
                        int o = ((b * g.outH() + oy) * g.outW() + ox) * c;
                        float inv = 1f / ((y1 - y0) * (x1 - x0));
                        java.util.Arrays.fill(out, o, o + c, 0f);
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                int i = ((b * g.inH() + iy) * g.inW() + ix) * c;
                                for (int ch = 0; ch < c; ch++) out[o + ch] += x[i + ch];
                            }
                        }
                        for (int ch = 0; ch < c; ch++) out[o + ch] *= inv;
                    }
                }
            }
        });
    }

    /** dx (N, H, W, C) from dy (N, OH, OW, C), each gradient shared evenly over its window (overwrites dx). */
    public static void backward(float[] dx, float[] dy, int n, int c, WindowGeometry g) {
        int imageIn = g.inH() * g.inW() * c;
        Parallel.forRange(n, 1, (from, to) -> {
            java.util.Arrays.fill(dx, from * imageIn, to * imageIn, 0f);
            for (int b = from; b < to; b++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    int y0 = g.rowStart(oy);
                    int y1 = g.rowEnd(oy);
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int x0 = g.colStart(ox);
                        int x1 = g.colEnd(ox);
                        int o = ((b * g.outH() + oy) * g.outW() + ox) * c;
                        float inv = 1f / ((y1 - y0) * (x1 - x0));
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                int i = ((b * g.inH() + iy) * g.inW() + ix) * c;
                                for (int ch = 0; ch < c; ch++) dx[i + ch] += dy[o + ch] * inv;
                            }
                        }
                    }
                }
            }
        });
    }
}
