package dev.fovea.tensor;

import java.util.Arrays;

/**
 * An immutable tensor shape. Dimensions are non-negative ints; the element count is checked for
 * int overflow once, here, so kernels can index with plain ints.
 */
public final class Shape {
    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        this.dims = dims;
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
            }
        }
        this.size = (int) n;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** The same shape with a new leading (batch) dimension. */
    public Shape withBatch(int batch) {
        int[] d = new int[dims.length + 1];
        d[0] = batch;
        System.arraycopy(dims, 0, d, 1, dims.length);
        return new Shape(d);
    }

    /** The shape without its leading (batch) dimension. */
    public Shape dropBatch() {
        if (dims.length == 0) throw new IllegalStateException("scalar shape has no batch dimension");
        return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
    }

    /** Whether this is (N, ...example) for some N: the check every layer makes, without building a shape. */
    public boolean isBatchOf(Shape example) {
        if (dims.length != example.dims.length + 1) return false;
        for (int i = 0; i < example.dims.length; i++) if (dims[i + 1] != example.dims[i]) return false;
        return true;
    }

    /** Whether this is (batch, ...example). */
    public boolean isBatchOf(int batch, Shape example) {
        return dims.length > 0 && dims[0] == batch && isBatchOf(example);
    }

    public int rank() { return dims.length; }
    public int dim(int i) { return dims[i < 0 ? dims.length + i : i]; }
    public int size() { return size; }
    public int[] toArray() { return dims.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }
    @Override public int hashCode() { return Arrays.hashCode(dims); }

    /** Keras style: (28, 28, 1). */
    @Override public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(dims[i]);
        }
        if (dims.length == 1) sb.append(',');
        return sb.append(')').toString();
    }
}
