package dev.fovea.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 array with a shape, stored row-major (the last dimension varies fastest).
 * Image activations are NHWC, as in Keras. A tensor owns its array; {@link #reshape} shares it.
 */
public final class Tensor {
    private final float[] data;
    private final Shape shape;

    public Tensor(Shape shape, float[] data) {
        this.shape = Objects.requireNonNull(shape, "shape");
        this.data = Objects.requireNonNull(data, "data");
        if (data.length != shape.size()) {
            throw new IllegalArgumentException("data of length " + data.length + " does not fit shape " + shape
                    + " (" + shape.size() + " elements)");
        }
    }

    public static Tensor zeros(Shape shape) { return new Tensor(shape, new float[shape.size()]); }
    public static Tensor zeros(int... dims) { return zeros(Shape.of(dims)); }
    public static Tensor of(float[] data, int... dims) { return new Tensor(Shape.of(dims), data); }

    public float[] data() { return data; }
    public Shape shape() { return shape; }
    public int dim(int i) { return shape.dim(i); }
    public int rank() { return shape.rank(); }
    public int size() { return data.length; }

    /** A view with another shape over the same array (no copy). */
    public Tensor reshape(Shape newShape) {
        if (newShape.size() != data.length) {
            throw new IllegalArgumentException("cannot reshape " + shape + " to " + newShape);
        }
        return new Tensor(newShape, data);
    }

    public Tensor copy() { return new Tensor(shape, data.clone()); }

    public void fill(float v) { Arrays.fill(data, v); }

    public void copyFrom(Tensor src) {
        if (!src.shape.equals(shape)) throw new IllegalArgumentException("cannot copy " + src.shape + " into " + shape);
        System.arraycopy(src.data, 0, data, 0, data.length);
    }

    /** Row-major flat index of (i0, i1, ...). For tests and tools, not hot paths. */
    public float get(int... idx) { return data[flatIndex(idx)]; }
    public void set(float v, int... idx) { data[flatIndex(idx)] = v; }

    private int flatIndex(int[] idx) {
        if (idx.length != shape.rank()) throw new IllegalArgumentException("index rank " + idx.length + " for shape " + shape);
        int f = 0;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape.dim(i)) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " outside shape " + shape);
            }
            f = f * shape.dim(i) + idx[i];
        }
        return f;
    }

    /**
     * Examples {@code from} (inclusive) to {@code to} (exclusive) of the first (batch) axis, as
     * {@code x[from:to]} in NumPy: a copy of shape (to - from, ...).
     */
    public Tensor slice(int from, int to) {
        int n = shape.dim(0);
        if (from < 0 || to > n || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of axis 0 outside 0.." + n + " (shape " + shape + ")");
        }
        int per = data.length / Math.max(1, n);
        int[] dims = shape.toArray();
        dims[0] = to - from;
        return new Tensor(Shape.of(dims), Arrays.copyOfRange(data, from * per, to * per));
    }

    /** Example i of the first (batch) axis without that axis, as {@code x[i]} in NumPy: a copy, e.g. (H, W, C) of (N, H, W, C). */
    public Tensor index(int i) {
        if (shape.rank() < 2) throw new IllegalArgumentException("index(i) drops the first axis, so it needs rank >= 2, got " + shape);
        return slice(i, i + 1).reshape(shape.dropBatch());
    }

    /** Tensors of one shape stacked along a new first axis: (N, ...shape), as {@code np.stack}. */
    public static Tensor stack(java.util.List<Tensor> items) {
        if (items.isEmpty()) throw new IllegalArgumentException("stack needs at least one tensor");
        Shape one = items.get(0).shape;
        float[] all = new float[items.size() * one.size()];
        for (int i = 0; i < items.size(); i++) {
            Tensor t = items.get(i);
            if (!t.shape.equals(one)) throw new IllegalArgumentException("stack: tensor " + i + " has shape " + t.shape + ", tensor 0 " + one);
            System.arraycopy(t.data, 0, all, i * one.size(), one.size());
        }
        return new Tensor(one.withBatch(items.size()), all);
    }

    /**
     * The shape and the values, summarised as NumPy and PyTorch print them: an axis longer than
     * six shows its first and last three entries around "...", once the tensor has more than 1,000
     * values; four decimals, or scientific notation when magnitudes need it.
     */
    @Override public String toString() {
        return "Tensor" + shape + "\n" + TensorFormat.format(this);
    }
}
