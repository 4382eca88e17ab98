package dev.fovea.data.pipeline;

import dev.fovea.tensor.Buffer;
import dev.fovea.train.Batch;

/**
 * One buffer of the prefetch ring: a batch tensor (full batches and the short last one, see
 * {@link Buffer}), label arrays, the scratch a transform chain works in, and the hand-over state
 * between the worker filling it and the consumer waiting for it. Reused every epoch.
 */
final class Slot {
    static final int FREE = 0, QUEUED = 1, DONE = 2;

    final Buffer images = new Buffer();
    final float[] scratchA, scratchB;       // (largest intermediate example) each; empty without transforms
    private int[] fullLabels = new int[0], shortLabels = new int[0];

    // Guarded by this.
    int state = FREE;
    Batch batch;
    Throwable error;

    Slot(int scratchSize) {
        scratchA = new float[scratchSize];
        scratchB = new float[scratchSize];
    }

    /** A label array of exactly n entries, reused (one for full batches, one for the short last). */
    int[] labels(int n, int batchSize) {
        if (n == batchSize) {
            if (fullLabels.length != n) fullLabels = new int[n];
            return fullLabels;
        }
        if (shortLabels.length != n) shortLabels = new int[n];
        return shortLabels;
    }

    synchronized void queued() {
        state = QUEUED;
        batch = null;
        error = null;
    }

    synchronized void done(Batch b, Throwable e) {
        batch = b;
        error = e;
        state = DONE;
        notifyAll();
    }

    /** Waits until the worker is done with this slot. */
    synchronized void awaitDone() throws InterruptedException {
        while (state == QUEUED) wait();
    }
}
