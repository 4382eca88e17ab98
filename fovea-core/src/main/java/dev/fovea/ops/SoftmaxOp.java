package dev.fovea.ops;

/**
 * Softmax over the last axis of a (rows, k) view. The row maximum is subtracted before exp so no
 * logit overflows (the result is mathematically unchanged).
 */
public final class SoftmaxOp {
    private SoftmaxOp() {}

    public static void forward(float[] y, float[] x, int rows, int k) {
        for (int r = 0; r < rows; r++) {
            int base = r * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, x[base + j]);
            double sum = 0;
            for (int j = 0; j < k; j++) {
                float e = (float) Math.exp(x[base + j] - max);
                y[base + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < k; j++) y[base + j] *= inv;
        }
    }

    /** dx = y ⊙ (dy - Σ dy·y) per row; y is the forward output. dx must not alias dy. */
    public static void backward(float[] dx, float[] dy, float[] y, int rows, int k) {
        for (int r = 0; r < rows; r++) {
            int base = r * k;
            double dot = 0;
            for (int j = 0; j < k; j++) dot += (double) dy[base + j] * y[base + j];
            for (int j = 0; j < k; j++) dx[base + j] = (float) (y[base + j] * (dy[base + j] - dot));
        }
    }
}
