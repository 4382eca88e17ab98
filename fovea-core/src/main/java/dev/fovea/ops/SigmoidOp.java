package dev.fovea.ops;

/** Logistic sigmoid 1 / (1 + e^-x), any shape. */
public final class SigmoidOp {
    private SigmoidOp() {}

    public static void forward(float[] y, float[] x, int size) {
        for (int i = 0; i < size; i++) {
            float v = x[i];
            // Two branches so exp never overflows: for v < 0 use e^v / (1 + e^v).
            if (v >= 0f) {
                y[i] = (float) (1.0 / (1.0 + Math.exp(-v)));
            } else {
                double e = Math.exp(v);
                y[i] = (float) (e / (1.0 + e));
            }
        }
    }

    /** dx = dy * y * (1 - y), y the forward output; dx may alias dy. */
    public static void backward(float[] dx, float[] dy, float[] y, int size) {
        for (int i = 0; i < size; i++) dx[i] = dy[i] * y[i] * (1f - y[i]);
    }
}
