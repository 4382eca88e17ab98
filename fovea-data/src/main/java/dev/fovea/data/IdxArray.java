package dev.fovea.data;

import java.util.Arrays;

/**
 * One IDX file's content: unsigned-byte values with their dimensions, row-major as stored.
 * MNIST-style images are (N, H, W) and labels (N,).
 *
 * @param source where it was read from, for error messages
 * @param dims   the declared dimensions, each at least 1
 * @param values the raw values, {@code product(dims)} of them; read them as {@code v & 0xFF}
 */
public record IdxArray(String source, int[] dims, byte[] values) {
    public int rank() { return dims.length; }

    public int dim(int i) { return dims[i]; }

    /** Dimensions in the Keras style used everywhere else: (60000, 28, 28). */
    public String shapeText() {
        return describe(dims);
    }

    static String describe(int[] dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(Integer.toUnsignedString(dims[i]));
        }
        if (dims.length == 1) sb.append(',');
        return sb.append(')').toString();
    }

    @Override public boolean equals(Object o) {
        return o instanceof IdxArray a && source.equals(a.source) && Arrays.equals(dims, a.dims)
                && Arrays.equals(values, a.values);
    }

    @Override public int hashCode() { return 31 * Arrays.hashCode(dims) + Arrays.hashCode(values); }

    @Override public String toString() { return "IdxArray[" + source + " " + shapeText() + "]"; }
}
