package dev.fovea.tensor;

/**
 * A reusable activation or gradient buffer. Keeps the two most recent shapes, so a training run
 * alternating full batches with a short last batch (and evaluation at another batch size)
 * allocates nothing in steady state.
 */
public final class Buffer {
    private Tensor recent;
    private Tensor older;

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
