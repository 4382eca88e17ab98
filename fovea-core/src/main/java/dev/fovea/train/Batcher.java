package dev.fovea.train;

import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

/**
 * Copies examples, chosen by an index order, into a reused batch tensor (B, ...example) and label
 * array. Two buffers (full batch and last short batch) are kept, so epochs allocate nothing.
 */
final class Batcher {
    private final Tensor x;          // (N, ...example)
    private final int[] y;           // (N) or null for prediction
    private final int exampleSize;
    private final Shape exampleShape;
    private final Buffer batchX = new Buffer();
    private int[] fullLabels = new int[0];
    private int[] shortLabels = new int[0];

    Batcher(Tensor x, int[] y) {
        this.x = x;
        this.y = y;
        this.exampleShape = x.shape().dropBatch();
        this.exampleSize = exampleShape.size();
    }

    /** The batch of examples order[from, to). */
    Tensor images(int[] order, int from, int to) {
        Tensor b = batchX.get(to - from, exampleShape);
        float[] src = x.data(), dst = b.data();
        for (int i = from; i < to; i++) {
            int e = order == null ? i : order[i];
            System.arraycopy(src, e * exampleSize, dst, (i - from) * exampleSize, exampleSize);
        }
        return b;
    }

    /** The labels of examples order[from, to); the array is reused, sized exactly to the batch. */
    int[] labels(int[] order, int from, int to, int batchSize) {
        int n = to - from;
        int[] out;
        if (n == batchSize) {
            if (fullLabels.length != n) fullLabels = new int[n];
            out = fullLabels;
        } else {
            if (shortLabels.length != n) shortLabels = new int[n];
            out = shortLabels;
        }
        for (int i = from; i < to; i++) out[i - from] = y[order == null ? i : order[i]];
        return out;
    }
}
