package dev.fovea.tensor;

/**
 * A reusable activation or gradient buffer. Keeps the two most recent shapes, so a training run
 * alternating full batches with a short last batch (and evaluation at another batch size)
 * allocates nothing in steady state.
 */
public final class Buffer {
    private Tensor recent;
    private Tensor older;

    /** The buffer of shape (batch, ...example); builds a Shape only when neither kept tensor fits. */
    public Tensor get(int batch, Shape example) {
        if (recent != null && recent.shape().isBatchOf(batch, example)) return recent;
        if (older != null && older.shape().isBatchOf(batch, example)) return get(older.shape());
        return get(example.withBatch(batch));
    }

    public Tensor get(Shape shape) {
        if (recent != null && recent.shape().equals(shape)) return recent;
        Tensor t;
        if (older != null && older.shape().equals(shape)) {
            t = older;
        } else {
            t = Tensor.zeros(shape);
        }
        older = recent;
        recent = t;
        return t;
    }
}
