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
        return forward(probs, logits, labels, n, k, 0f, null);
    }

    /**
     * As {@link #forward(float[], float[], int[], int, int)} with label smoothing ε (Szegedy et al.,
     * "Rethinking the Inception Architecture", 2016: targets (1−ε)·onehot + ε/K) and optional
     * per-example weights (N); the mean divides by N whatever the weights, as Keras's
     * sum-over-batch-size reduction.
     */
    public static double forward(float[] probs, float[] logits, int[] labels, int n, int k, float smoothing, float[] weights) {
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
            double logSumExp = Math.log(sum) + max;
            double target = logits[base + label];
            if (smoothing != 0f) {
                double mean = 0;
                for (int j = 0; j < k; j++) mean += logits[base + j];
                target = (1 - smoothing) * target + smoothing * mean / k;
            }
            total += (weights == null ? 1.0 : weights[r]) * (logSumExp - target);
        }
        return total / n;
    }

    /** dLogits (N, K) = (probs - onehot(labels)) / N, for the mean loss. */
    public static void backward(float[] dLogits, float[] probs, int[] labels, int n, int k) {
        backward(dLogits, probs, labels, n, k, 0f, null);
    }

    /** dLogits (N, K) = weight · (probs − targets) / N, targets smoothed by ε (see forward). */
    public static void backward(float[] dLogits, float[] probs, int[] labels, int n, int k, float smoothing, float[] weights) {
        float spread = smoothing / k;
        for (int r = 0; r < n; r++) {
            float scale = (weights == null ? 1f : weights[r]) / n;
            int base = r * k;
            for (int j = 0; j < k; j++) dLogits[base + j] = (probs[base + j] - spread) * scale;
            dLogits[base + labels[r]] -= (1 - smoothing) * scale;
        }
    }
}
