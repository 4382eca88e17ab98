package dev.fovea.ops;

import dev.fovea.FoveaException;

/**
 * Softmax followed by cross-entropy against integer labels, fused: loss = mean over rows of
 * (logsumexp(z) - z[label]). Computing it from logits this way never takes the log of an
 * underflowed probability, and the gradient is simply (softmax(z) - onehot) / N.
 */
public final class SoftmaxCrossEntropyOp {
    private SoftmaxCrossEntropyOp() {}

    /**
     * Writes probs (N, K) = softmax(logits (N, K)) and returns the mean loss over the N rows.
     * Labels must lie in [0, K).
     */
    public static double forward(float[] probs, float[] logits, int[] labels, int n, int k) {
        double total = 0;
        for (int r = 0; r < n; r++) {
            int label = labels[r];
            if (label < 0 || label >= k) {
                throw new FoveaException("label " + label + " at batch row " + r + " is outside the " + k + " classes [0, " + k + ")");
            }
            int base = r * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, logits[base + j]);
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double e = Math.exp(logits[base + j] - max);
                probs[base + j] = (float) e;
                sum += e;
            }
            for (int j = 0; j < k; j++) probs[base + j] = (float) (probs[base + j] / sum);
            total += Math.log(sum) + max - logits[base + label];
        }
        return total / n;
    }

    /** dLogits (N, K) = (probs - onehot(labels)) / N, for the mean loss. */
    public static void backward(float[] dLogits, float[] probs, int[] labels, int n, int k) {
        float inv = 1f / n;
        for (int r = 0; r < n; r++) {
            int base = r * k;
            for (int j = 0; j < k; j++) dLogits[base + j] = probs[base + j] * inv;
            dLogits[base + labels[r]] -= inv;
        }
    }
}
