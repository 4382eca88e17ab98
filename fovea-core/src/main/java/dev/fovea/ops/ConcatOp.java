package dev.fovea.ops;

/**
 * Concatenation along one axis of row-major tensors viewed as (outer, A_i, inner): output row o
 * is input 0's row o, then input 1's, and so on (ONNX Concat, Keras Concatenate).
 */
public final class ConcatOp {
    private ConcatOp() {}

    /** out (outer, ΣA_i · inner) from parts i of (outer, A_i · inner) (the widths are A_i · inner). */
    public static void forward(float[] out, float[][] parts, int[] widths, int outer) {
        int total = 0;
        for (int w : widths) total += w;
        int off = 0;
        for (int i = 0; i < parts.length; i++) {
            int w = widths[i];
            for (int o = 0; o < outer; o++) System.arraycopy(parts[i], o * w, out, o * total + off, w);
            off += w;
        }
    }

    /** dPart (outer, width) = the slice of dy (outer, total) starting at column offset. */
    public static void slice(float[] dPart, float[] dy, int outer, int total, int offset, int width) {
        for (int o = 0; o < outer; o++) System.arraycopy(dy, o * total + offset, dPart, o * width, width);
    }
}
