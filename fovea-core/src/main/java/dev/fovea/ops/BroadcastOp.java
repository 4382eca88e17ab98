package dev.fovea.ops;

import dev.fovea.FoveaException;

import java.util.Arrays;

/**
 * Element-wise binary ops with numpy broadcasting (ONNX Add/Sub/Mul/Div/PRelu): out = f(a, b)
 * where a and b are each either the output's shape or broadcast along axes where their size is 1.
 * A plan made once per shape triple collapses neighbouring axes that broadcast alike, so the
 * common cases (same shape, a per-channel vector, a scalar) run as one or two flat loops.
 * A plan holds scratch state: one plan serves one thread at a time.
 */
public final class BroadcastOp {
    /**
     * The element-wise function. PRELU is f(a, b) = a > 0 ? a : b · a (b the slope). MIN and MAX
     * pass the gradient to the chosen operand, to a on ties (PyTorch halves it between them on exact
     * ties; elsewhere the two agree); NaN propagates.
     */
    public enum Kind { ADD, SUB, MUL, DIV, PRELU, MIN, MAX }

    private BroadcastOp() {}

    /** The broadcast result of two shapes (numpy rules, aligned at the last axis). */
    public static int[] broadcastShape(int[] a, int[] b, String where) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new FoveaException(where + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast (axis " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** How to walk the output and find each operand's element; build with {@link #plan}. */
    public static final class Plan {
        final int[] dims;      // collapsed output dims
        final int[] aStride;   // per collapsed axis: stride in a, 0 where a broadcasts
        final int[] bStride;
        final int size;
        final int aSize, bSize;
        private final int[] index;

        private Plan(int[] dims, int[] aStride, int[] bStride, int size, int aSize, int bSize) {
            this.dims = dims;
            this.aStride = aStride;
            this.bStride = bStride;
            this.size = size;
            this.aSize = aSize;
            this.bSize = bSize;
            this.index = new int[dims.length];
        }

        public int size() { return size; }
    }

    /** A plan for a (shape aDims) op b (shape bDims) giving outDims; operand ranks may be lower. */
    public static Plan plan(int[] aDims, int[] bDims, int[] outDims) {
        int r = outDims.length;
        int[] a = align(aDims, r), b = align(bDims, r);
        int[] as = strides(a), bs = strides(b);
        int[] dims = new int[Math.max(r, 1)], sa = new int[dims.length], sb = new int[dims.length];
        int k = 0;
        dims[0] = 1;
        for (int i = 0; i < r; i++) {
            if (outDims[i] == 1) continue;   // size-1 axes change nothing
            int strideA = a[i] == 1 ? 0 : as[i];
            int strideB = b[i] == 1 ? 0 : bs[i];
            // Merge with the previous axis when both operands step through them contiguously alike.
            if (k > 0 && sa[k - 1] == strideA * outDims[i] && sb[k - 1] == strideB * outDims[i]
                    && (strideA != 0 || sa[k - 1] == 0) && (strideB != 0 || sb[k - 1] == 0)) {
                dims[k - 1] *= outDims[i];
                sa[k - 1] = strideA;
                sb[k - 1] = strideB;
                continue;
            }
            dims[k] = outDims[i];
            sa[k] = strideA;
            sb[k] = strideB;
            k++;
        }
        if (k == 0) k = 1;
        int size = 1;
        for (int d : outDims) size *= d;
        return new Plan(Arrays.copyOf(dims, k), Arrays.copyOf(sa, k), Arrays.copyOf(sb, k), size, count(a), count(b));
    }

    private static int[] align(int[] d, int r) {
        int[] o = new int[r];
        Arrays.fill(o, 1);
        System.arraycopy(d, 0, o, r - d.length, d.length);
        return o;
    }

    private static int[] strides(int[] d) {
        int[] s = new int[d.length];
        int st = 1;
        for (int i = d.length - 1; i >= 0; i--) {
            s[i] = st;
            st *= d[i];
        }
        return s;
    }

    private static int count(int[] d) {
        int n = 1;
        for (int v : d) n *= v;
        return n;
    }

    /** out = f(a, b) over the plan's output. */
    public static void forward(Kind kind, Plan p, float[] out, float[] a, float[] b) {
        int r = p.dims.length;
        int last = p.dims[r - 1], sa = p.aStride[r - 1], sb = p.bStride[r - 1];
        int[] idx = p.index;
        Arrays.fill(idx, 0);
        int ia = 0, ib = 0;
        for (int o = 0; o < p.size; o += last) {
            switch (kind) {
                case ADD -> { for (int i = 0; i < last; i++) out[o + i] = a[ia + i * sa] + b[ib + i * sb]; }
                case SUB -> { for (int i = 0; i < last; i++) out[o + i] = a[ia + i * sa] - b[ib + i * sb]; }
                case MUL -> { for (int i = 0; i < last; i++) out[o + i] = a[ia + i * sa] * b[ib + i * sb]; }
                case DIV -> { for (int i = 0; i < last; i++) out[o + i] = a[ia + i * sa] / b[ib + i * sb]; }
                case PRELU -> {
                    for (int i = 0; i < last; i++) {
                        float x = a[ia + i * sa];
                        out[o + i] = x > 0 ? x : b[ib + i * sb] * x;
                    }
                }
                case MIN -> { for (int i = 0; i < last; i++) out[o + i] = Math.min(a[ia + i * sa], b[ib + i * sb]); }
                case MAX -> { for (int i = 0; i < last; i++) out[o + i] = Math.max(a[ia + i * sa], b[ib + i * sb]); }
            }
            // Advance the outer index (all axes but the last) like an odometer.
            for (int ax = r - 2; ax >= 0; ax--) {
                ia += p.aStride[ax];
                ib += p.bStride[ax];
                if (++idx[ax] < p.dims[ax]) break;
                ia -= p.aStride[ax] * p.dims[ax];
                ib -= p.bStride[ax] * p.dims[ax];
                idx[ax] = 0;
            }
        }
    }

    /**
     * Adds the gradients of L w.r.t. a and b into dA and dB (either nullable) from dy, summing over
     * broadcast axes. Callers zero dA/dB first when they want them overwritten.
     */
    public static void backward(Kind kind, Plan p, float[] dA, float[] dB, float[] dy, float[] a, float[] b) {
        int r = p.dims.length;
        int last = p.dims[r - 1], sa = p.aStride[r - 1], sb = p.bStride[r - 1];
        int[] idx = p.index;
        Arrays.fill(idx, 0);
        int ia = 0, ib = 0;
        for (int o = 0; o < p.size; o += last) {
            for (int i = 0; i < last; i++) {
                float g = dy[o + i];
                int ja = ia + i * sa, jb = ib + i * sb;
                switch (kind) {
                    case ADD -> {
                        if (dA != null) dA[ja] += g;
                        if (dB != null) dB[jb] += g;
                    }
                    case SUB -> {
                        if (dA != null) dA[ja] += g;
                        if (dB != null) dB[jb] -= g;
                    }
                    case MUL -> {
                        if (dA != null) dA[ja] += g * b[jb];
                        if (dB != null) dB[jb] += g * a[ja];
                    }
                    case DIV -> {
                        float bv = b[jb];
                        if (dA != null) dA[ja] += g / bv;
                        if (dB != null) dB[jb] -= g * a[ja] / (bv * bv);
                    }
                    case PRELU -> {
                        float x = a[ja];
                        if (dA != null) dA[ja] += x > 0 ? g : g * b[jb];
                        if (dB != null && !(x > 0)) dB[jb] += g * x;
                    }
                    case MIN, MAX -> {
                        boolean first = kind == Kind.MIN ? a[ja] <= b[jb] : a[ja] >= b[jb];
                        if (first) {
                            if (dA != null) dA[ja] += g;
                        } else if (dB != null) {
                            dB[jb] += g;
                        }
                    }
                }
            }
            for (int ax = r - 2; ax >= 0; ax--) {
                ia += p.aStride[ax];
                ib += p.bStride[ax];
                if (++idx[ax] < p.dims[ax]) break;
                ia -= p.aStride[ax] * p.dims[ax];
                ib -= p.bStride[ax] * p.dims[ax];
                idx[ax] = 0;
            }
        }
    }
}
