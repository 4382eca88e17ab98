package dev.fovea.ops;

import dev.fovea.tensor.VectorSupport;

/** ReLU, max(0, x) (Nair and Hinton, 2010). Any shape; the gradient at exactly 0 is taken as 0, as PyTorch. */
public final class ReluOp {

    private ReluOp() {}

    public static void forward(float[] y, float[] x, int size) {
        forward(y, x, 0, size);
    }

    /** Elements [from, to) only, so callers can split the work over threads. */
    public static void forward(float[] y, float[] x, int from, int to) {
        int i = VectorSupport.available() ? VectorLoops.reluForward(y, x, from, to) : from;
        for (; i < to; i++) y[i] = Math.max(0f, x[i]);
    }

    /** dx = dy where the output was positive, else 0 (y is the forward output; dx may alias dy). */
    public static void backward(float[] dx, float[] dy, float[] y, int size) {
        backward(dx, dy, y, 0, size);
    }

    public static void backward(float[] dx, float[] dy, float[] y, int from, int to) {
        int i = VectorSupport.available() ? VectorLoops.reluBackward(dx, dy, y, from, to) : from;
        for (; i < to; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
    }
}
