package dev.fovea.train;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.SplittableRandom;

/** Examples held in one tensor (N, ...example) with labels (N); batches are gathered into reused buffers. */
public final class InMemoryData implements TrainingData {
    private final Tensor images;
    private final int[] labels;
    private final Batcher batcher;
    private int[] order = new int[0];

    public InMemoryData(Tensor images, int[] labels) {
        if (images.rank() < 2) throw new FoveaException("images need a batch axis, got shape " + images.shape());
        if (images.dim(0) != labels.length) {
            throw new FoveaException(images.dim(0) + " images but " + labels.length + " labels");
        }
        this.images = images;
        this.labels = labels;
        this.batcher = new Batcher(images, labels);
    }

    public Tensor images() { return images; }
    public int[] labels() { return labels; }

    @Override public int size() { return labels.length; }

    @Override public Shape exampleShape() { return images.shape().dropBatch(); }

    @Override public BatchIterator batches(long seed, int epoch, int batchSize, boolean shuffle, int fromBatch) {
        int n = labels.length;
        if (order.length != n) order = new int[n];
        epochOrder(order, seed, epoch, shuffle);
        int[] ord = order;
        return new BatchIterator() {
            int from = fromBatch * batchSize;
            Batch last;   // the batcher refills the same buffers, so the same record usually fits again

            @Override public Batch next() {
                if (from >= n) return null;
                int to = Math.min(n, from + batchSize);
                Tensor images = batcher.images(ord, from, to);
                int[] labels = batcher.labels(ord, from, to, batchSize);
                if (last == null || last.images() != images || last.labels() != labels) last = new Batch(images, labels);
                from = to;
                return last;
            }

            @Override public void close() {}
        };
    }

    /**
     * Fills {@code order} with the example order of one epoch: 0..n-1, shuffled when asked by a
     * generator that depends on (seed, epoch) only. Public so that distributed training
     * (fovea-spark) draws exactly the batches that {@link #batches} draws on one machine.
     */
    public static void epochOrder(int[] order, long seed, int epoch, boolean shuffle) {
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (shuffle) shuffle(order, epochRandom(seed, epoch));
    }

    /** The generator of one epoch's order: independent of every other epoch, so resuming needs no replay. */
    static SplittableRandom epochRandom(long seed, int epoch) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + 1);
    }

    /** Fisher-Yates. */
    static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
