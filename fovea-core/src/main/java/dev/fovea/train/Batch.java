package dev.fovea.train;

import dev.fovea.tensor.Tensor;

/**
 * One batch: images (B, ...example) and their integer labels (B). Owned by the iterator that made
 * it and valid until its next call.
 */
public record Batch(Tensor images, int[] labels) {
    public int size() { return labels.length; }
}
