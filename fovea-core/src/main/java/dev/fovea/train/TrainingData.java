package dev.fovea.train;

import dev.fovea.tensor.Shape;

/**
 * Labelled examples that fit can draw batches from: in memory ({@link InMemoryData}) or decoded
 * and augmented in the background (fovea-data). The order of an epoch is a pure function of the
 * seed and the epoch number, so a run resumed at (epoch, batch) sees exactly the batches an
 * uninterrupted run would.
 */
public interface TrainingData {
    /** Examples per epoch. */
    int size();

    /** Per-example shape, e.g. (28, 28, 1). */
    Shape exampleShape();

    /**
     * The batches of {@code epoch} in a seeded order (shuffled unless shuffle is false), starting
     * with batch number {@code fromBatch}.
     */
    BatchIterator batches(long seed, int epoch, int batchSize, boolean shuffle, int fromBatch);
}
