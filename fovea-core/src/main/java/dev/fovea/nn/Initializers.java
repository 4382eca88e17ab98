package dev.fovea.nn;

import java.util.SplittableRandom;

/** Weight initialisation, Keras defaults. */
final class Initializers {
    private Initializers() {}

    /**
     * Glorot/Xavier uniform (Glorot and Bengio, 2010): U(-l, l) with l = sqrt(6 / (fanIn + fanOut)).
     * For a conv kernel (KH, KW, C, F): fanIn = KH*KW*C, fanOut = KH*KW*F, as Keras computes them.
     */
    static void glorotUniform(float[] w, int fanIn, int fanOut, SplittableRandom rng) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < w.length; i++) w[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
    }
}
