package dev.fovea.serve;

import dev.fovea.model.Model;
import dev.fovea.train.ClassifierOutput;
import dev.fovea.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gathers concurrent requests for one model into one forward pass. A single worker thread owns
 * the model (forward passes reuse layer buffers, so they must not overlap): it takes the first
 * waiting example, then whatever else is waiting, waiting up to {@code delay} more for company,
 * up to {@code maxBatch} examples; runs them as one (B, H, W, C) batch; and hands each request
 * its row. A batch of B costs much less than B passes of 1 (the convolutions become larger
 * matrix products), so throughput under load rises while an idle server adds at most
 * {@code delay} of latency.
 *
 * <p>The queue is bounded: when it is full, {@link #submit} refuses at once (the caller answers
 * 503) instead of letting latency grow without bound. Examples whose deadline passed while
 * queued are dropped unrun.
 */
final class MicroBatcher implements AutoCloseable {
    /** One example's class probabilities (K), and the size of the batch that computed them. */
    record Result(float[] probabilities, int batchSize) {}

    private record Job(float[] input, long deadline, CompletableFuture<Result> future) {}

    private final String name;
    private final Model model;
    private final ClassifierOutput output;
    private final int exampleSize;
    private final int maxBatch;
    private final long delayNanos;
    private final BlockingQueue<Job> queue;
    private final Metrics metrics;
    private final String labels;
    private final Thread worker;
    private final java.util.Map<Integer, float[]> inputs = new java.util.HashMap<>();   // per padded size; worker only
    private volatile boolean running = true;

    MicroBatcher(String name, Model model, int maxBatch, long delayNanos, int capacity, Metrics metrics) {
        this.name = name;
        this.model = model;
        this.output = model.output();
        this.exampleSize = model.inputShape().size();
        this.maxBatch = maxBatch;
        this.delayNanos = delayNanos;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.metrics = metrics;
        this.labels = Metrics.labels("model", name);
        metrics.gauge("fovea_queue_depth", labels, queue::size);
        metrics.gauge("fovea_queue_capacity", labels, () -> capacity);
        this.worker = Thread.ofPlatform().name("fovea-batcher-" + name).daemon(true).start(this::loop);
    }

    /** Queues one example (H*W*C floats); fails with 503 at once when the queue is full. */
    CompletableFuture<Result> submit(float[] input, long deadlineNanos) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        if (!running) throw HttpError.overloaded("model " + name + " is shutting down");
        if (!queue.offer(new Job(input, deadlineNanos, f))) {
            throw HttpError.overloaded("model " + name + " has " + queue.size() + " examples queued (the limit); retry shortly").because("queue_full");
        }
        return f;
    }

    int queued() { return queue.size(); }

    boolean alive() { return running && worker.isAlive(); }

    private void loop() {
        List<Job> batch = new ArrayList<>(maxBatch);
        while (running) {
            try {
                Job first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.clear();
                take(first, batch);
                long until = System.nanoTime() + delayNanos;
                while (batch.size() < maxBatch) {
                    Job j = queue.poll();
                    if (j == null) {
                        long wait = until - System.nanoTime();
                        if (wait <= 0) break;
                        j = queue.poll(wait, TimeUnit.NANOSECONDS);
                        if (j == null) break;
                    }
                    take(j, batch);
                }
                if (!batch.isEmpty()) run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Job j;
        while ((j = queue.poll()) != null) j.future().completeExceptionally(HttpError.overloaded("model " + name + " is shutting down"));
    }

    /** Adds j to the batch unless its requester has already given up. */
    private void take(Job j, List<Job> batch) {
        if (System.nanoTime() - j.deadline() > 0) {
            // Its requester has answered 503 (counted in fovea_rejected_total); this counts the work saved.
            metrics.inc("fovea_dropped_examples_total", Metrics.labels("model", name, "reason", "expired_in_queue"));
            j.future().completeExceptionally(HttpError.timedOut("model " + name + ": the request waited in the queue past its deadline"));
        } else {
            batch.add(j);
        }
    }

    /**
     * The batch size actually run: b rounded up to a power of two (at most maxBatch), the rows past
     * b being zeros. Layers keep buffers for their last two batch shapes; feeding them every size
     * from 1 to 32 would make each pass allocate megabytes of fresh activations, and the garbage
     * collector's pauses would show in the tail latency. With the GEMM kernels a pass over 16
     * examples costs about what a pass over 1 does, so the padding is nearly free.
     */
    static int bucket(int b, int maxBatch) {
        int p = Integer.highestOneBit(b);
        if (p < b) p <<= 1;
        return Math.min(p, maxBatch);
    }

    private void run(List<Job> batch) {
        int b = batch.size();
        try {
            int padded = bucket(b, maxBatch);
            float[] x = inputs.computeIfAbsent(padded, n -> new float[n * exampleSize]);   // (padded, H, W, C)
            for (int i = 0; i < b; i++) System.arraycopy(batch.get(i).input(), 0, x, i * exampleSize, exampleSize);
            java.util.Arrays.fill(x, b * exampleSize, x.length, 0f);
            long start = System.nanoTime();
            Tensor out = model.infer(new Tensor(model.inputShape().withBatch(padded), x));  // (padded, K)
            metrics.observe("fovea_forward_seconds", labels, Metrics.SECONDS, (System.nanoTime() - start) / 1e9);
            metrics.observe("fovea_batch_size", labels, Metrics.SIZES, b);
            int k = out.dim(1);
            for (int i = 0; i < b; i++) {
                float[] p = new float[k];
                System.arraycopy(out.data(), i * k, p, 0, k);
                output.toProbabilities(p, 1);   // models that end in logits still answer with probabilities
                batch.get(i).future().complete(new Result(p, b));
            }
        } catch (RuntimeException | Error e) {
            // A failing forward pass answers its own requests with 500 and keeps the worker alive.
            for (Job j : batch) j.future().completeExceptionally(e);
        }
    }

    @Override public void close() {
        running = false;
        worker.interrupt();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
