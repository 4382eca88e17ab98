package dev.fovea.data.pipeline;

import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

/**
 * Labelled examples read one at a time by index: decoded image files, records of a binary file,
 * rows of a tensor. A {@link StreamingData} reads them on background threads, so {@link #read}
 * must be safe to call concurrently (for different indices or the same one).
 */
public interface Examples {
    /** How many examples there are. */
    int size();

    /** The shape of one example, e.g. (32, 32, 3). */
    Shape exampleShape();

    /** The label of example i. */
    int label(int i);

    /** Writes example i, {@code exampleShape().size()} values channels last, into dst from off. */
    void read(int i, float[] dst, int off);

    /** Where example i comes from, for messages: a file, a record of a file. */
    default String describe(int i) {
        return "example " + i;
    }

    /** The rows of images (N, ...example), shared, with their labels. */
    static Examples of(Tensor images, int[] labels) {
        return new TensorExamples(images, labels);
    }

    /**
     * 8-bit pixels (N, ...example) read as v / 255; a quarter of the memory of floats.
     * {@code name} names the data in messages.
     */
    static Examples ofBytes(byte[] pixels, Shape example, int[] labels, String name) {
        return new ByteExamples(pixels, example, labels, name);
    }

    /** The examples {@code indices} of base, in that order. */
    static Examples subset(Examples base, int[] indices) {
        return new SubsetExamples(base, indices);
    }

    /** base with up to {@code budgetBytes} of decoded examples kept in memory (see {@link CachedExamples}). */
    static CachedExamples cached(Examples base, long budgetBytes) {
        return new CachedExamples(base, budgetBytes);
    }
}
