package dev.fovea.data.pipeline;

import java.util.SplittableRandom;

/**
 * The order of an epoch's examples: a pure function of (seed, epoch), the same permutation
 * {@code dev.fovea.train.InMemoryData} uses, so the same model trained from a pipeline or from
 * tensors sees the same batches (a test holds the two equal).
 */
final class EpochOrder {
    private EpochOrder() {}

    /** Fills order with 0..n-1, shuffled unless shuffle is false. */
    static void fill(int[] order, long seed, int epoch, boolean shuffle) {
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (!shuffle) return;
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + 1);
        for (int i = order.length - 1; i > 0; i--) {   // Fisher-Yates
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
