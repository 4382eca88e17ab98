package dev.fovea.spark;

import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.Batch;

import java.io.Serializable;

/**
 * The decoded training examples of one partition, held by the executor that holds the
 * partition (the RDD of shards is cached), with labels. Example i of shard p is example
 * {@code offset(p) + i} of the whole data set, in the DataFrame's order.
 */
record TrainingShard(int[] exampleDims, float[] images, int[] labels) implements Serializable {
    int size() { return labels.length; }

    /** The examples at {@code rows} (shard-local indices), in that order, as one batch. */
    Batch gather(int[] rows, int count) {
        Shape ex = Shape.of(exampleDims);
        int per = ex.size();
        float[] x = new float[count * per];
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(images, rows[i] * per, x, i * per, per);
            y[i] = labels[rows[i]];
        }
        return new Batch(new Tensor(ex.withBatch(count), x), y);
    }
}
