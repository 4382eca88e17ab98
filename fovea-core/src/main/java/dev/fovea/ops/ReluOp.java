package dev.fovea.ops;

/** ReLU, max(0, x) (Nair and Hinton, 2010). Any shape; the gradient at exactly 0 is taken as 0, as PyTorch. */
public final class ReluOp {
    private ReluOp() {}

    public static void forward(float[] y, float[] x, int size) {
        for (int i = 0; i < size; i++) y[i] = Math.max(0f, x[i]);
    }

    /** dx = dy where the output was positive, else 0 (y is the forward output; dx may alias dy). */
    public static void backward(float[] dx, float[] dy, float[] y, int size) {
        for (int i = 0; i < size; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
    }
}
