package dev.fovea.data.pipeline;

import dev.fovea.FoveaException;
import dev.fovea.nn.ExampleTransform;
import dev.fovea.nn.RandomKeys;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.Batch;
import dev.fovea.train.BatchIterator;
import dev.fovea.train.InMemoryData;
import dev.fovea.train.TrainingData;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Training data read and transformed in the background: examples (decoded files, binary records,
 * tensor rows) in a seeded order per epoch, passed through a chain of per-example transforms,
 * gathered into batches by a few daemon workers ahead of the trainer and handed over through a
 * ring of reused buffers (see {@link PrefetchIterator}).
 *
 * <p>Deterministic: the epoch order is {@code InMemoryData}'s, a function of (seed, epoch) only,
 * and a random transform of example i in epoch e uses the key derived from (seed, e, i) (see
 * {@link RandomKeys}). Neither depends on the number of workers, the prefetch depth or thread
 * timing, and a run resumed at a batch sees what an uninterrupted run would have.
 *
 * <p>{@link #batches} applies the whole chain (training); {@link #withoutAugmentation()} and
 * {@link #materialize()} skip its random transforms (evaluation).
 */
public final class StreamingData implements TrainingData, AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Examples examples;
    private final List<ExampleTransform> chain;    // the transforms applied, in order
    private final List<ExampleTransform> all;      // as configured, random ones included
    private final Shape[] shapes;                  // shapes[t]: input of transform t; shapes[chain.size()]: output
    private final int scratchSize;
    private final int workers;
    private final int prefetch;
    private final AtomicReference<Ring> idle = new AtomicReference<>();
    private ThreadPoolExecutor executor;            // guarded by this; created on first use
    private boolean closed;                         // guarded by this

    private StreamingData(Examples examples, List<ExampleTransform> transforms, boolean augment, int workers, int prefetch) {
        if (examples.size() == 0) throw new FoveaException("no examples to train on");
        this.examples = examples;
        this.all = List.copyOf(transforms);
        List<ExampleTransform> c = new ArrayList<>();
        for (ExampleTransform t : all) if (augment || !t.isRandom()) c.add(t);
        this.chain = List.copyOf(c);
        this.shapes = new Shape[chain.size() + 1];
        shapes[0] = examples.exampleShape();
        int largest = 0;
        for (int t = 0; t < chain.size(); t++) {
            shapes[t + 1] = chain.get(t).outputShape(shapes[t]);
            largest = Math.max(largest, Math.max(shapes[t].size(), shapes[t + 1].size()));
        }
        this.scratchSize = chain.isEmpty() ? 0 : largest;
        this.workers = workers;
        this.prefetch = prefetch;
    }

    /** Starts a pipeline over examples; see {@link Builder} for the options and their defaults. */
    public static Builder from(Examples examples) {
        return new Builder(examples);
    }

    /** Options of a pipeline. */
    public static final class Builder {
        private final Examples examples;
        private final List<ExampleTransform> transforms = new ArrayList<>();
        private int workers = defaultWorkers();
        private int prefetch = 4;

        private Builder(Examples examples) {
            this.examples = examples;
        }

        /** Per-example transforms applied in order after reading (augmentation layers work too). */
        public Builder transforms(ExampleTransform... ts) {
            transforms.addAll(List.of(ts));
            return this;
        }

        public Builder transforms(List<? extends ExampleTransform> ts) {
            transforms.addAll(ts);
            return this;
        }

        /**
         * Background threads filling batches; 0 fills each batch on the caller's thread when it is
         * asked for. Default: {@link #defaultWorkers()}.
         */
        public Builder workers(int n) {
            if (n < 0) throw new FoveaException("data workers must be >= 0, got " + n);
            workers = n;
            return this;
        }

        /** Batches filled ahead of the one being trained on (default 4). */
        public Builder prefetch(int batches) {
            if (batches < 1) throw new FoveaException("prefetch must be >= 1 batch, got " + batches);
            prefetch = batches;
            return this;
        }

        public StreamingData build() {
            return new StreamingData(examples, transforms, true, workers, prefetch);
        }
    }

    /**
     * One worker on up to four cores, half the cores above: training uses every core through the
     * shared pool, and on a 2-core machine one decoding thread keeps ahead of it (measured; see
     * the pipeline benchmark) while a second only competes with the training kernels.
     */
    public static int defaultWorkers() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores <= 4 ? 1 : Math.min(8, cores / 2);
    }

    /** The same examples and deterministic transforms, without the random ones: for validation and test. */
    public StreamingData withoutAugmentation() {
        return new StreamingData(examples, all, false, workers, prefetch);
    }

    public Examples examples() { return examples; }

    @Override public int size() { return examples.size(); }

    /** The shape of an example after the transforms. */
    @Override public Shape exampleShape() { return shapes[chain.size()]; }

    /** Every label, in index order. */
    public int[] labels() {
        int[] y = new int[examples.size()];
        for (int i = 0; i < y.length; i++) y[i] = examples.label(i);
        return y;
    }

    @Override public BatchIterator batches(long seed, int epoch, int batchSize, boolean shuffle, int fromBatch) {
        if (batchSize < 1) throw new FoveaException("batch size must be >= 1, got " + batchSize);
        Ring ring = idle.getAndSet(null);
        if (ring == null || ring.batchSize != batchSize) ring = new Ring(batchSize, prefetch + 1, scratchSize, examples.size());
        EpochOrder.fill(ring.order, seed, epoch, shuffle);
        return new PrefetchIterator(this, ring, workers == 0 ? null : executor(), seed, epoch, fromBatch);
    }

    /** Every example, in index order and without augmentation, in one tensor (N, ...example). */
    public InMemoryData materialize() {
        StreamingData plain = chain.size() == all.size() && chain.stream().noneMatch(ExampleTransform::isRandom) ? this : withoutAugmentation();
        int n = size();
        Shape shape = plain.exampleShape();
        Tensor images = Tensor.zeros(shape.withBatch(n));
        int[] labels = new int[n];
        int at = 0;
        try (BatchIterator it = plain.batches(0, 0, 256, false, 0)) {
            for (Batch b = it.next(); b != null; b = it.next()) {
                System.arraycopy(b.images().data(), 0, images.data(), at * shape.size(), b.images().size());
                System.arraycopy(b.labels(), 0, labels, at, b.size());
                at += b.size();
            }
        } finally {
            if (plain != this) plain.close();
        }
        return new InMemoryData(images, labels);
    }

    /** Fills batch {@code batch} of the ring's order into slot; null when stopped early. Runs on a worker. */
    Batch fillBatch(Ring ring, Slot slot, int batch, long seed, int epoch, BooleanSupplier stop) {
        int n = examples.size(), bs = ring.batchSize;
        int from = batch * bs, count = Math.min(n, from + bs) - from;
        Shape out = exampleShape();
        Tensor images = slot.images.get(out.withBatch(count));
        int[] labels = slot.labels(count, bs);
        float[] dst = images.data();
        int size = out.size();
        long epochKey = RandomKeys.child(seed, epoch);
        for (int j = 0; j < count; j++) {
            if (stop.getAsBoolean()) return null;
            int index = ring.order[from + j];
            labels[j] = examples.label(index);
            try {
                readTransformed(index, dst, j * size, slot, epochKey);
            } catch (FoveaException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new FoveaException(examples.describe(index) + ": cannot be read (" + e + ")", e);
            }
        }
        return new Batch(images, labels);
    }

    /** Example index through the chain into dst from off, ping-ponging between the slot's scratch arrays. */
    private void readTransformed(int index, float[] dst, int off, Slot slot, long epochKey) {
        int t = chain.size();
        if (t == 0) {
            examples.read(index, dst, off);
            return;
        }
        float[] src = slot.scratchA, other = slot.scratchB;
        examples.read(index, src, 0);
        long key = RandomKeys.child(epochKey, index);
        for (int k = 0; k < t; k++) {
            boolean last = k == t - 1;
            chain.get(k).apply(src, 0, last ? dst : other, last ? off : 0, shapes[k], RandomKeys.child(key, k));
            float[] s = src;
            src = other;
            other = s;
        }
    }

    /** A closed iterator hands its ring back for the next epoch. */
    void release(Ring ring) {
        idle.set(ring);
    }

    private synchronized ThreadPoolExecutor executor() {
        if (closed) throw new FoveaException("the data pipeline is closed");
        if (executor == null) {
            int pool = POOLS.incrementAndGet();
            AtomicInteger count = new AtomicInteger();
            ThreadFactory f = r -> {
                Thread t = new Thread(r, "fovea-data-" + pool + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            executor = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), f);
            executor.allowCoreThreadTimeOut(true);   // an idle pipeline holds no threads
        }
        return executor;
    }

    /** Stops the workers; iterators still open fail on their next batch. */
    @Override public synchronized void close() {
        closed = true;
        if (executor != null) executor.shutdown();
    }
}
