package dev.fovea.train;

import dev.fovea.tensor.Tensor;

/** Sparse categorical accuracy: the arg-max class equals the label. */
final class Accuracy {
    private Accuracy() {}

    /** How many rows of probs (N, K) have their largest value at the label. */
    static int correct(Tensor probs, int[] labels) {
        int n = probs.dim(0), k = probs.dim(1);
        float[] p = probs.data();
        int hits = 0;
        for (int r = 0; r < n; r++) {
            if (argmax(p, r * k, k) == labels[r]) hits++;
        }
        return hits;
    }

    static int argmax(float[] p, int offset, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) if (p[offset + j] > p[offset + best]) best = j;
        return best;
    }
}
