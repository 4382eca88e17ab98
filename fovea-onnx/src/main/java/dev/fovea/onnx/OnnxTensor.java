package dev.fovea.onnx;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Arrays;

/**
 * A tensor as ONNX lays it out (row-major, ONNX axis order), holding either float32 values or
 * integers (int64, int32, bool, ... widened to long). Used for constants met while importing,
 * for test inputs and outputs read from {@code .pb} files, and for values bound to graph inputs.
 */
public final class OnnxTensor {
    private final int[] dims;
    private final float[] floats;   // exactly one of floats and longs is non-null
    private final long[] longs;

    private OnnxTensor(int[] dims, float[] floats, long[] longs) {
        this.dims = dims.clone();
        this.floats = floats;
        this.longs = longs;
        long n = count(dims);
        int len = floats != null ? floats.length : longs.length;
        if (n != len) throw new IllegalArgumentException("tensor of " + len + " values does not fit dims " + Arrays.toString(dims));
    }

    public static OnnxTensor ofFloats(int[] dims, float[] values) { return new OnnxTensor(dims, values, null); }

    public static OnnxTensor ofLongs(int[] dims, long[] values) { return new OnnxTensor(dims, null, values); }

    /** A Fovea tensor's data with the same dims (no batch convention applied). */
    public static OnnxTensor of(Tensor t) { return ofFloats(t.shape().toArray(), t.data().clone()); }

    /** Element count of dims, or -1 on overflow beyond int or a negative dim. */
    public static long count(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) return -1;
            n *= d;
            if (n > Integer.MAX_VALUE) return -1;
        }
        return n;
    }

    public int[] dims() { return dims.clone(); }
    public int rank() { return dims.length; }
    public int dim(int i) { return dims[i]; }
    public int size() { return floats != null ? floats.length : longs.length; }
    public boolean isFloat() { return floats != null; }

    /** The values as float32 (integers converted). */
    public float[] floats() {
        if (floats != null) return floats;
        float[] f = new float[longs.length];
        for (int i = 0; i < f.length; i++) f[i] = longs[i];
        return f;
    }

    /** The values as integers; float values must be whole numbers. */
    public long[] longs(String where) {
        if (longs != null) return longs;
        long[] l = new long[floats.length];
        for (int i = 0; i < l.length; i++) {
            if (floats[i] != Math.rint(floats[i])) throw new FoveaException(where + ": expected integers, got " + floats[i]);
            l[i] = (long) floats[i];
        }
        return l;
    }

    /** The raw float array if this is a float tensor, else null (no copy). */
    public float[] floatData() { return floats; }

    /** The raw integer array if this is an integer tensor, else null (no copy). */
    public long[] longData() { return longs; }

    public Shape shape() { return Shape.of(dims); }

    public Tensor toTensor() { return new Tensor(Shape.of(dims), floats()); }

    public OnnxTensor withDims(int[] newDims) {
        if (count(newDims) != size()) throw new IllegalArgumentException("cannot view " + Arrays.toString(dims) + " as " + Arrays.toString(newDims));
        return floats != null ? ofFloats(newDims, floats) : ofLongs(newDims, longs);
    }

    @Override public String toString() {
        return (floats != null ? "float" : "int") + Arrays.toString(dims);
    }
}
