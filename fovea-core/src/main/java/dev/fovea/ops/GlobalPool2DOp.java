package dev.fovea.ops;

import dev.fovea.tensor.Parallel;

import java.util.Arrays;

/**
 * Global average or max pooling: one value per image and channel over all of H and W
 * (Keras GlobalAveragePooling2D / GlobalMaxPooling2D, ONNX GlobalAveragePool / GlobalMaxPool).
 * Max pooling remembers the winning position of each (image, channel) for backward.
 */
public final class GlobalPool2DOp {
    private final boolean max;
    private int[] argmax = new int[0];   // (N, C): flat index into x of each maximum

    public GlobalPool2DOp(boolean max) {
        this.max = max;
    }

    /** out (N, C) from x (N, H*W, C). */
    public void forward(float[] out, float[] x, int n, int hw, int c) {
        if (max && argmax.length < n * c) argmax = new int[n * c];
        int[] arg = argmax;
        Parallel.forRange(n, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                int o = b * c;
                int base = b * hw * c;
                if (max) {
                    for (int ch = 0; ch < c; ch++) {
                        out[o + ch] = x[base + ch];
                        arg[o + ch] = base + ch;
                    }
                    for (int p = 1; p < hw; p++) {
                        int i = base + p * c;
                        for (int ch = 0; ch < c; ch++) {
                            float v = x[i + ch];
                            if (v > out[o + ch] || v != v) {
                                out[o + ch] = v;
                                arg[o + ch] = i + ch;
                            }
                        }
                    }
                } else {
                    // Sum in double: a global window holds thousands of cells.
                    for (int ch = 0; ch < c; ch++) {
                        double s = 0;
                        for (int p = 0; p < hw; p++) s += x[base + p * c + ch];
                        out[o + ch] = (float) (s / hw);
                    }
                }
            }
        });
    }

    /** dx (N, H*W, C) from dy (N, C), overwriting dx. */
    public void backward(float[] dx, float[] dy, int n, int hw, int c) {
        int[] arg = argmax;
        Parallel.forRange(n, 1, (from, to) -> {
            Arrays.fill(dx, from * hw * c, to * hw * c, 0f);
            for (int b = from; b < to; b++) {
                if (max) {
                    for (int ch = 0; ch < c; ch++) dx[arg[b * c + ch]] += dy[b * c + ch];
                } else {
                    float inv = 1f / hw;
                    int base = b * hw * c;
                    for (int p = 0; p < hw; p++) {
                        for (int ch = 0; ch < c; ch++) dx[base + p * c + ch] = dy[b * c + ch] * inv;
                    }
                }
            }
        });
    }
}
