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

    @Override public String toString() { return "Tensor" + shape; }
}
