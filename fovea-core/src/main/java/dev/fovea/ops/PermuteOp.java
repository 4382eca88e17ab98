package dev.fovea.ops;

/**
 * Transposes a row-major tensor: out axis i is input axis perm[i] (ONNX Transpose, numpy
 * transpose, Keras Permute). The innermost output axis is copied in one strided loop; the outer
 * axes advance like an odometer. One instance holds the plan for one input shape.
 */
public final class PermuteOp {
    private final int[] outDims;
    private final int[] inStride;   // per output axis: stride of that axis in the input
    private final int size;
    private final boolean identity;
    private final int[] index;

    public PermuteOp(int[] inDims, int[] perm) {
        int r = inDims.length;
        int[] strides = new int[r];
        int st = 1;
        for (int i = r - 1; i >= 0; i--) {
            strides[i] = st;
            st *= inDims[i];
        }
        size = st;
        outDims = new int[r];
        inStride = new int[r];
        boolean id = true;
        for (int i = 0; i < r; i++) {
            outDims[i] = inDims[perm[i]];
            inStride[i] = strides[perm[i]];
            id &= perm[i] == i;
        }
        identity = id;
        index = new int[r];
    }

    /** The inverse permutation: inverse(perm)[perm[i]] = i. */
    public static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return inv;
    }

    public int[] outDims() { return outDims.clone(); }

    /** out = x transposed. Not thread-safe (reuses an index array). */
    public void forward(float[] out, float[] x) {
        if (identity || size == 0) {
            System.arraycopy(x, 0, out, 0, size);
            return;
        }
        int r = outDims.length;
        int last = outDims[r - 1], step = inStride[r - 1];
        java.util.Arrays.fill(index, 0);
        int src = 0;
        for (int o = 0; o < size; o += last) {
            for (int i = 0; i < last; i++) out[o + i] = x[src + i * step];
            for (int ax = r - 2; ax >= 0; ax--) {
                src += inStride[ax];
                if (++index[ax] < outDims[ax]) break;
                src -= inStride[ax] * outDims[ax];
                index[ax] = 0;
            }
        }
    }
}
