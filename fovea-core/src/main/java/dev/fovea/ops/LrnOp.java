package dev.fovea.ops;

import dev.fovea.tensor.Parallel;

/**
 * Local response normalization across channels (Krizhevsky, Sutskever and Hinton, 2012; ONNX LRN):
 * y_c = x_c / s_c^beta with s_c = bias + alpha / size · Σ x_i² over the channels i from
 * c - floor((size-1)/2) to c + ceil((size-1)/2). Channels are the last axis of a (rows, C) view.
 * Forward keeps s for backward.
 */
public final class LrnOp {
    private float[] scale = new float[0];   // (rows, C): s of the last forward

    public void forward(float[] y, float[] x, int rows, int c, int size, float alpha, float beta, float bias) {
        if (scale.length < rows * c) scale = new float[rows * c];
        float[] s = scale;
        int lo = (size - 1) / 2, hi = size - 1 - lo;
        double a = (double) alpha / size;
        Parallel.forRange(rows, 64, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * c;
                for (int ch = 0; ch < c; ch++) {
                    double sq = 0;
                    for (int i = Math.max(0, ch - lo); i <= Math.min(c - 1, ch + hi); i++) sq += (double) x[base + i] * x[base + i];
                    double sc = bias + a * sq;
                    s[base + ch] = (float) sc;
                    y[base + ch] = (float) (x[base + ch] * Math.pow(sc, -beta));
                }
            }
        });
    }

    /**
     * dx_j = dy_j · s_j^-beta - 2 alpha beta / size · x_j · Σ_c dy_c x_c s_c^(-beta-1), the sum over
     * the channels c whose window holds j (c from j - hi to j + lo). Overwrites dx.
     */
    public void backward(float[] dx, float[] dy, float[] x, int rows, int c, int size, float alpha, float beta) {
        float[] s = scale;
        int lo = (size - 1) / 2, hi = size - 1 - lo;
        double a = 2.0 * alpha * beta / size;
        Parallel.forRange(rows, 64, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * c;
                for (int j = 0; j < c; j++) {
                    double sum = 0;
                    for (int ch = Math.max(0, j - hi); ch <= Math.min(c - 1, j + lo); ch++) {
                        sum += (double) dy[base + ch] * x[base + ch] * Math.pow(s[base + ch], -beta - 1);
                    }
                    dx[base + j] = (float) (dy[base + j] * Math.pow(s[base + j], -beta) - a * x[base + j] * sum);
                }
            }
        });
    }
}
