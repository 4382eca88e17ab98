package dev.fovea.train;

import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

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

    /**
     * The images of every example in order, in batches of {@code batchSize}: a stream for
     * {@code Normalization.adapt}. Close it (adapt does) to stop background work early. A batch's
     * tensor may be reused by the next one, so consume each before asking for more.
     */
    default Stream<Tensor> imageBatches(int batchSize) {
        BatchIterator batches = batches(0, 0, batchSize, false, 0);
        Iterator<Tensor> images = new Iterator<>() {
            private Batch next;   // fetched lazily: fetching early could overwrite the batch handed out last

            @Override public boolean hasNext() {
                if (next == null) next = batches.next();
                return next != null;
            }

            @Override public Tensor next() {
                if (!hasNext()) throw new NoSuchElementException();
                Tensor t = next.images();
                next = null;
                return t;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(images, Spliterator.ORDERED), false)
                .onClose(batches::close);
    }
}
