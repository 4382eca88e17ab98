package dev.fovea.tensor;

/**
 * A reusable activation or gradient buffer. Keeps the four most recently used shapes, so a
 * training run that alternates full batches, a short last batch, and validation in chunks and
 * batches of other sizes (with its own short last batch) allocates nothing in steady state.
 *
 * <p>Why four and not two: with two, every epoch's validation evicted the training shapes and
 * the next epoch allocated them again; those arrays are too large for the young generation, so
 * each epoch left hundreds of MB of garbage in the old generation (a 30-epoch run of a small
 * VGG-style model on Fashion-MNIST peaked at 6.3 GB resident under SerialGC, which expands the old
 * generation before it ever collects it; with four shapes a 30-epoch run peaks at 430-440 MB).
 */
public final class Buffer {
    private static final int SLOTS = 4;
    private final Tensor[] recent = new Tensor[SLOTS];   // most recently used first; nulls at the end

    /** The buffer of shape (batch, ...example); builds a Shape only when no kept tensor fits. */
    public Tensor get(int batch, Shape example) {
        for (int i = 0; i < SLOTS && recent[i] != null; i++) {
            if (recent[i].shape().isBatchOf(batch, example)) return use(i);
        }
        return get(example.withBatch(batch));
    }

    public Tensor get(Shape shape) {
        for (int i = 0; i < SLOTS && recent[i] != null; i++) {
            if (recent[i].shape().equals(shape)) return use(i);
        }
        // A new shape: the least recently used tensor (last slot) is dropped.
        System.arraycopy(recent, 0, recent, 1, SLOTS - 1);
        recent[0] = Tensor.zeros(shape);
        return recent[0];
    }

    /** Moves slot i to the front and returns its tensor. */
    private Tensor use(int i) {
        Tensor t = recent[i];
        if (i > 0) {
            System.arraycopy(recent, 0, recent, 1, i);
            recent[0] = t;
        }
        return t;
    }
}
