package dev.fovea.ops;

import java.util.Arrays;

/**
 * Pads (or, with negative amounts, crops) a row-major tensor per axis (ONNX Pad, Keras
 * ZeroPadding2D): constant fills new cells with a value, reflect mirrors without repeating the
 * edge, edge repeats it, wrap continues from the other side. Each axis gets a map from output to
 * source index (-1 for a constant cell), so forward and backward are one walk over the output.
 */
public final class PadOp {
    /** How new cells are filled, by ONNX's names. */
    public enum Mode { CONSTANT, REFLECT, EDGE, WRAP }

    private final int[] inDims, outDims, inStride;
    private final int[][] map;   // per axis: output index -> input index, or -1
    private final float value;
    private final int size;
    private final int[] index;

    /** before[i] and after[i] cells on axis i; reflect needs every padded axis longer than its padding. */
    public PadOp(int[] inDims, int[] before, int[] after, Mode mode, float value) {
        int r = inDims.length;
        this.inDims = inDims.clone();
        this.value = value;
        outDims = new int[r];
        inStride = new int[r];
        map = new int[r][];
        int st = 1;
        for (int i = r - 1; i >= 0; i--) {
            inStride[i] = st;
            st *= inDims[i];
        }
        int n = 1;
        for (int ax = 0; ax < r; ax++) {
            outDims[ax] = inDims[ax] + before[ax] + after[ax];
            map[ax] = new int[outDims[ax]];
            for (int o = 0; o < outDims[ax]; o++) map[ax][o] = source(o - before[ax], inDims[ax], mode);
            n *= outDims[ax];
        }
        size = n;
        index = new int[r];
    }

    private static int source(int i, int len, Mode mode) {
        if (i >= 0 && i < len) return i;
        if (len == 0) return -1;
        return switch (mode) {
            case CONSTANT -> -1;
            case EDGE -> i < 0 ? 0 : len - 1;
            case WRAP -> Math.floorMod(i, len);
            case REFLECT -> {
                if (len == 1) yield 0;
                int period = 2 * (len - 1);
                int m = Math.floorMod(i, period);
                yield m < len ? m : period - m;
            }
        };
    }

    public int[] outDims() { return outDims.clone(); }

    public int[] inDims() { return inDims.clone(); }

    /** out (outDims) from x (inDims). Not thread-safe. */
    public void forward(float[] out, float[] x) {
        walk(out, x, true);
    }

    /** dx (inDims) = the sum of dy over every output cell copied from each input cell (overwrites dx). */
    public void backward(float[] dx, float[] dy) {
        Arrays.fill(dx, 0f);
        walk(dy, dx, false);
    }

    private void walk(float[] outSide, float[] inSide, boolean forward) {
        int r = outDims.length;
        if (size == 0) return;
        if (r == 0) {
            if (forward) outSide[0] = inSide[0]; else inSide[0] += outSide[0];
            return;
        }
        int last = outDims[r - 1];
        int[] lastMap = map[r - 1];
        Arrays.fill(index, 0);
        for (int o = 0; o < size; o += last) {
            int base = 0;
            boolean constantRow = false;
            for (int ax = 0; ax < r - 1; ax++) {
                int s = map[ax][index[ax]];
                if (s < 0) {
                    constantRow = true;
                    break;
                }
                base += s * inStride[ax];
            }
            if (forward) {
                if (constantRow) {
                    Arrays.fill(outSide, o, o + last, value);
                } else {
                    for (int i = 0; i < last; i++) {
                        int s = lastMap[i];
                        outSide[o + i] = s < 0 ? value : inSide[base + s];
                    }
                }
            } else if (!constantRow) {
                for (int i = 0; i < last; i++) {
                    int s = lastMap[i];
                    if (s >= 0) inSide[base + s] += outSide[o + i];
                }
            }
            for (int ax = r - 2; ax >= 0; ax--) {
                if (++index[ax] < outDims[ax]) break;
                index[ax] = 0;
            }
        }
    }
}
