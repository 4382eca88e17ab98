package dev.fovea.ops;

/**
 * Softmax or log-softmax over the middle axis of an (outer, K, inner) view: each of the
 * outer · inner vectors of K elements (stride inner) is normalised. This covers ONNX's opset-13
 * semantics (one axis) and the older one (every axis from {@code axis} on, flattened: inner = 1).
 * The maximum is subtracted before exp so nothing overflows; sums run in double.
 */
public final class AxisSoftmaxOp {
    private AxisSoftmaxOp() {}

    public static void forward(float[] y, float[] x, int outer, int k, int inner, boolean log) {
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * k * inner + in;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) max = Math.max(max, x[base + j * inner]);
                double sum = 0;
                for (int j = 0; j < k; j++) sum += Math.exp(x[base + j * inner] - max);
                if (log) {
                    double logSum = Math.log(sum);
                    for (int j = 0; j < k; j++) y[base + j * inner] = (float) (x[base + j * inner] - max - logSum);
                } else {
                    double inv = 1.0 / sum;
                    for (int j = 0; j < k; j++) y[base + j * inner] = (float) (Math.exp(x[base + j * inner] - max) * inv);
                }
            }
        }
    }

    /**
     * dx from dy and the forward output y: softmax dx = y ⊙ (dy - Σ dy·y); log-softmax
     * dx = dy - exp(y) · Σ dy. dx must not alias dy.
     */
    public static void backward(float[] dx, float[] dy, float[] y, int outer, int k, int inner, boolean log) {
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * k * inner + in;
                double s = 0;
                for (int j = 0; j < k; j++) {
                    int i = base + j * inner;
                    s += log ? dy[i] : (double) dy[i] * y[i];
                }
                for (int j = 0; j < k; j++) {
                    int i = base + j * inner;
                    dx[i] = (float) (log ? dy[i] - Math.exp(y[i]) * s : y[i] * (dy[i] - s));
                }
            }
        }
    }
}
