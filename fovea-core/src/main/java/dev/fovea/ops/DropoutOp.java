package dev.fovea.ops;

import java.util.SplittableRandom;

/**
 * Inverted dropout (Srivastava et al., 2014): in training each element is zeroed with probability
 * rate and the survivors scaled by 1 / (1 - rate), so inference is the identity.
 */
public final class DropoutOp {
    private DropoutOp() {}

    /** y = x ⊙ mask, where mask is filled here with 0 or 1/(1-rate) from rng. */
    public static void forward(float[] y, float[] mask, float[] x, int size, float rate, SplittableRandom rng) {
        float keep = 1f / (1f - rate);
        for (int i = 0; i < size; i++) {
            float m = rng.nextFloat() < rate ? 0f : keep;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }

    /** dx = dy ⊙ mask (dx may alias dy). */
    public static void backward(float[] dx, float[] dy, float[] mask, int size) {
        for (int i = 0; i < size; i++) dx[i] = dy[i] * mask[i];
    }
}
