package dev.fovea.ops;

import dev.fovea.tensor.Parallel;

import java.util.Arrays;

/**
 * Max and average pooling over NHWC windows with explicit padding, dilation and ceil mode (ONNX
 * MaxPool/AveragePool, PyTorch MaxPool2d/AvgPool2d). Padding never wins a maximum. An average
 * divides by the real cells under the window, or with countIncludePad by the cells inside the
 * padded input (the part of a ceil-mode window hanging past the padding is never counted, as in
 * PyTorch and the ONNX reference). One instance serves one layer: max pooling remembers, per
 * output element, the flat input index of its winner for backward.
 */
public final class WindowPool2DOp {
    private final boolean max;
    private final boolean countIncludePad;
    private int[] argmax = new int[0];   // (N, OH, OW, C): flat index into x of each maximum, -1 if none

    public WindowPool2DOp(boolean max, boolean countIncludePad) {
        this.max = max;
        this.countIncludePad = countIncludePad;
    }

    /** out (N, OH, OW, C) pooled from x (N, H, W, C). */
    public void forward(float[] out, float[] x, int n, int c, Window2D g) {
        if (max) {
            int size = n * g.outH() * g.outW() * c;
            if (argmax.length < size) argmax = new int[size];
        }
        int[] arg = argmax;
        Parallel.forRange(n, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int o = ((b * g.outH() + oy) * g.outW() + ox) * c;
                        if (max) maxWindow(out, arg, x, b, oy, ox, o, c, g);
                        else avgWindow(out, x, b, oy, ox, o, c, g);
                    }
                }
            }
        });
    }

    private static void maxWindow(float[] out, int[] arg, float[] x, int b, int oy, int ox, int o, int c, Window2D g) {
        Arrays.fill(out, o, o + c, Float.NEGATIVE_INFINITY);
        Arrays.fill(arg, o, o + c, -1);
        for (int ky = 0; ky < g.kH(); ky++) {
            int iy = oy * g.strideH() - g.padTop() + ky * g.dilationH();
            if (iy < 0 || iy >= g.inH()) continue;
            for (int kx = 0; kx < g.kW(); kx++) {
                int ix = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
                if (ix < 0 || ix >= g.inW()) continue;
                int i = ((b * g.inH() + iy) * g.inW() + ix) * c;
                for (int ch = 0; ch < c; ch++) {
                    float v = x[i + ch];
                    // Strict '>' keeps the first maximum on ties; '!(<=)' lets a NaN win, as it propagates in PyTorch.
                    if (arg[o + ch] < 0 || v > out[o + ch] || v != v) {
                        out[o + ch] = v;
                        arg[o + ch] = i + ch;
                    }
                }
            }
        }
    }

    private void avgWindow(float[] out, float[] x, int b, int oy, int ox, int o, int c, Window2D g) {
        Arrays.fill(out, o, o + c, 0f);
        for (int ky = 0; ky < g.kH(); ky++) {
            int iy = oy * g.strideH() - g.padTop() + ky * g.dilationH();
            if (iy < 0 || iy >= g.inH()) continue;
            for (int kx = 0; kx < g.kW(); kx++) {
                int ix = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
                if (ix < 0 || ix >= g.inW()) continue;
                int i = ((b * g.inH() + iy) * g.inW() + ix) * c;
                for (int ch = 0; ch < c; ch++) out[o + ch] += x[i + ch];
            }
        }
        int count = divisor(oy, ox, g);
        float inv = count == 0 ? 0f : 1f / count;
        for (int ch = 0; ch < c; ch++) out[o + ch] *= inv;
    }

    /** Cells the average of output (oy, ox) divides by. */
    private int divisor(int oy, int ox, Window2D g) {
        int rows = 0, cols = 0;
        int hiH = countIncludePad ? g.inH() + g.padBottom() : g.inH();
        int hiW = countIncludePad ? g.inW() + g.padRight() : g.inW();
        int loH = countIncludePad ? -g.padTop() : 0;
        int loW = countIncludePad ? -g.padLeft() : 0;
        for (int ky = 0; ky < g.kH(); ky++) {
            int iy = oy * g.strideH() - g.padTop() + ky * g.dilationH();
            if (iy >= loH && iy < hiH) rows++;
        }
        for (int kx = 0; kx < g.kW(); kx++) {
            int ix = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
            if (ix >= loW && ix < hiW) cols++;
        }
        return rows * cols;
    }

    /** dx (N, H, W, C) from dy (N, OH, OW, C), overwriting dx. */
    public void backward(float[] dx, float[] dy, int n, int c, Window2D g) {
        int imageIn = g.inH() * g.inW() * c;
        int imageOut = g.outH() * g.outW() * c;
        int[] arg = argmax;
        // Split by image: a window only reads its own image, so threads never write the same cell.
        Parallel.forRange(n, 1, (from, to) -> {
            Arrays.fill(dx, from * imageIn, to * imageIn, 0f);
            if (max) {
                for (int o = from * imageOut; o < to * imageOut; o++) if (arg[o] >= 0) dx[arg[o]] += dy[o];
                return;
            }
            for (int b = from; b < to; b++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int o = ((b * g.outH() + oy) * g.outW() + ox) * c;
                        int count = divisor(oy, ox, g);
                        if (count == 0) continue;
                        float inv = 1f / count;
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = oy * g.strideH() - g.padTop() + ky * g.dilationH();
                            if (iy < 0 || iy >= g.inH()) continue;
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ix = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
                                if (ix < 0 || ix >= g.inW()) continue;
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
