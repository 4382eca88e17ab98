package dev.fovea.ops;

/** Hyperbolic tangent, any shape. */
public final class TanhOp {
    private TanhOp() {}

    public static void forward(float[] y, float[] x, int size) {
        for (int i = 0; i < size; i++) y[i] = (float) Math.tanh(x[i]);
    }

    /** dx = dy * (1 - y^2), y the forward output; dx may alias dy. */
    public static void backward(float[] dx, float[] dy, float[] y, int size) {
        for (int i = 0; i < size; i++) dx[i] = dy[i] * (1f - y[i] * y[i]);
    }
}
