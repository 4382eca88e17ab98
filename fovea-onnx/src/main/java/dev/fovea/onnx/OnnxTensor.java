package dev.fovea.onnx;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A tensor as ONNX lays it out (row-major, ONNX axis order), holding either float32 values or
 * integers (int64, int32, bool, ... widened to long). Used for constants met while importing,
 * for test inputs and outputs read from {@code .pb} files, and for values bound to graph inputs.
 *
 * <p>A float tensor may also stay encoded ({@link #ofRawFloats}): little-endian float32 bytes, in a
 * model file mapped into memory, decoded only when someone asks for the values. The importer copies
 * weights from there straight into the layers' parameters ({@link #copyTo}), so an imported model's
 * weights exist once on the heap, not as a decoded copy plus the parameters.
 */
public final class OnnxTensor {
    private final int[] dims;
    private float[] floats;         // a float tensor has floats or raw (or both, once decoded); else longs
    private final ByteBuffer raw;   // little-endian float32, read-only
    private final long[] longs;

    private OnnxTensor(int[] dims, float[] floats, long[] longs, ByteBuffer raw) {
        this.dims = dims.clone();
        this.floats = floats;
        this.longs = longs;
        this.raw = raw;
        long n = count(dims);
        long len = floats != null ? floats.length : longs != null ? longs.length : raw.remaining() / 4;
        if (n != len || raw != null && raw.remaining() % 4 != 0) {
            throw new IllegalArgumentException("tensor of " + len + " values does not fit dims " + Arrays.toString(dims));
        }
    }

    private OnnxTensor(int[] dims, float[] floats, long[] longs) {
        this(dims, floats, longs, null);
    }

    /** A float32 tensor kept as its little-endian bytes (not copied) until its values are needed. */
    public static OnnxTensor ofRawFloats(int[] dims, ByteBuffer littleEndian) {
        return new OnnxTensor(dims, null, null, littleEndian.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
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
    public int size() { return (int) count(dims); }
    public boolean isFloat() { return longs == null; }

    /** The values as float32 (integers converted; encoded values decoded once and kept). */
    public float[] floats() {
        if (floats == null && raw != null) floats = decoded();
        if (floats != null) return floats;
        float[] f = new float[longs.length];
        for (int i = 0; i < f.length; i++) f[i] = longs[i];
        return f;
    }

    /** The values as integers; float values must be whole numbers. */
    public long[] longs(String where) {
        if (longs != null) return longs;
        float[] floats = floats();
        long[] l = new long[floats.length];
        for (int i = 0; i < l.length; i++) {
            if (floats[i] != Math.rint(floats[i])) throw new FoveaException(where + ": expected integers, got " + floats[i]);
            l[i] = (long) floats[i];
        }
        return l;
    }

    /** The float array if this is a float tensor (decoded and kept if it was encoded), else null. */
    public float[] floatData() { return isFloat() ? floats() : null; }

    /**
     * Copies elements [from, from + count) in row-major order into dest at offset, without
     * decoding (or keeping) the whole tensor: the way weights go into their final arrays.
     */
    public void copyTo(int from, float[] dest, int offset, int count) {
        if (floats != null) {
            System.arraycopy(floats, from, dest, offset, count);
        } else if (raw != null) {
            FloatBuffer fb = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            fb.position(from);
            fb.get(dest, offset, count);
        } else {
            for (int i = 0; i < count; i++) dest[offset + i] = longs[from + i];
        }
    }

    /** The values as a new float array, not kept (for a one-off transformation of a large encoded tensor). */
    public float[] floatsCopy() {
        if (floats != null || longs != null) return floats().clone();
        return decoded();
    }

    private float[] decoded() {
        float[] f = new float[size()];
        copyTo(0, f, 0, f.length);
        return f;
    }

    /** The raw integer array if this is an integer tensor, else null (no copy). */
    public long[] longData() { return longs; }

    public Shape shape() { return Shape.of(dims); }

    public Tensor toTensor() { return new Tensor(Shape.of(dims), floats()); }

    public OnnxTensor withDims(int[] newDims) {
        if (count(newDims) != size()) throw new IllegalArgumentException("cannot view " + Arrays.toString(dims) + " as " + Arrays.toString(newDims));
        if (longs != null) return ofLongs(newDims, longs);
        return floats != null ? ofFloats(newDims, floats) : new OnnxTensor(newDims, null, null, raw);
    }

    @Override public String toString() {
        return (isFloat() ? "float" : "int") + Arrays.toString(dims);
    }
}
