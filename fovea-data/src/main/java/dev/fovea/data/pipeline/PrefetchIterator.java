package dev.fovea.data.pipeline;

import dev.fovea.FoveaException;
import dev.fovea.train.Batch;
import dev.fovea.train.BatchIterator;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The batches of one epoch, filled ahead by background workers into a ring of K slots. While the
 * consumer works on batch b, batches b+1 .. b+K-1 are being filled; asking for batch b+1 hands
 * batch b's slot back and queues batch b+K into it. Batches come out in order whatever order the
 * workers finish in, and every example's content depends only on (seed, epoch, index), so the
 * batches are the same for any number of workers and any ring size.
 *
 * <p>Closing stops the work: queued batches are skipped, a batch being filled stops at its next
 * example, and close returns once no worker touches the ring, which is then reused.
 */
final class PrefetchIterator implements BatchIterator {
    private final StreamingData data;
    private final Ring ring;
    private final Executor executor;    // null: fill inline on the consumer's thread
    private final long seed;
    private final int epoch;
    private final int endBatch;
    private int next;                   // the batch the consumer gets next
    private int submitted;              // batches [next, submitted) are queued or filled
    private volatile boolean closed;
    private RuntimeException failed;    // a batch failed: every later call repeats it

    PrefetchIterator(StreamingData data, Ring ring, Executor executor, long seed, int epoch, int fromBatch) {
        this.data = data;
        this.ring = ring;
        this.executor = executor;
        this.seed = seed;
        this.epoch = epoch;
        int n = data.size();
        this.endBatch = (int) ((n + (long) ring.batchSize - 1) / ring.batchSize);
        this.next = Math.max(0, fromBatch);
        this.submitted = next;
        if (executor != null) submitAhead();
    }

    @Override public Batch next() {
        if (closed) throw new IllegalStateException("batch iterator is closed");
        if (failed != null) throw failed;
        if (next >= endBatch) return null;
        Slot slot = ring.slots[next % ring.slots.length];
        if (executor == null) {
            fill(slot, next);
        } else {
            submitAhead();
            try {
                slot.awaitDone();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FoveaException("interrupted while waiting for batch " + next + " of epoch " + (epoch + 1));
            }
        }
        Batch b;
        Throwable error;
        synchronized (slot) {
            b = slot.batch;
            error = slot.error;
            slot.state = Slot.FREE;   // refilled only after the consumer asks for the following batch
        }
        if (error instanceof Error er) throw er;
        if (error != null) {
            failed = error instanceof RuntimeException re ? re : new FoveaException("data pipeline failed: " + error, error);
            throw failed;
        }
        next++;
        return b;
    }

    private void submitAhead() {
        int k = ring.slots.length;
        while (submitted < endBatch && submitted < next + k) {
            int batch = submitted++;
            Slot slot = ring.slots[batch % k];
            slot.queued();
            try {
                executor.execute(() -> fill(slot, batch));
            } catch (RejectedExecutionException e) {
                slot.done(null, new FoveaException("the data pipeline is closed; no more batches can be read"));
            }
        }
    }

    private void fill(Slot slot, int batch) {
        Batch b = null;
        Throwable error = null;
        try {
            if (!closed) b = data.fillBatch(ring, slot, batch, seed, epoch, () -> closed);
        } catch (Throwable t) {
            error = t;
        }
        slot.done(b, error);
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        boolean interrupted = false;
        for (Slot s : ring.slots) {
            while (true) {
                try {
                    s.awaitDone();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;   // the ring must be quiet before it is reused: keep waiting
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        data.release(ring);
    }
}
