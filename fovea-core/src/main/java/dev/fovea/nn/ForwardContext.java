package dev.fovea.nn;

import java.util.SplittableRandom;

/**
 * What a forward pass needs besides its inputs.
 *
 * @param training    dropout and other training-only behaviour is active
 * @param rng         randomness for training-time layers (seeded by the trainer; null at inference)
 */
public record ForwardContext(boolean training, SplittableRandom rng) {
    public static final ForwardContext INFERENCE = new ForwardContext(false, null);

    public static ForwardContext training(SplittableRandom rng) {
        return new ForwardContext(true, rng);
    }
}
