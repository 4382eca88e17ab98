package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonObject;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Mean, sum, maximum, L2 norm or sum of squares over some axes of each example (ONNX ReduceMean,
 * ReduceSum, ReduceMax, ReduceL2, ReduceSumSquare), keeping them as size 1 or dropping them. Axes count the batch as 0, as
 * Keras; the batch axis itself is never reduced. Accumulates in double. Backward: the sum's
 * gradient is copied to every input, the mean's divided by the count, the maximum's goes to the
 * first maximal input, the norm's is dy · x / norm (0 where the norm is 0), the sum of squares' 2 x dy.
 */
public final class Reduce extends Layer {
    public enum Op {
        MEAN, SUM, MAX, L2, SUM_SQUARE;

        public String key() { return name().toLowerCase(Locale.ROOT); }

        static Op parse(String s, String where) {
            for (Op o : values()) if (o.key().equals(s)) return o;
            throw new FoveaException(where + ": operation \"" + s + "\" is not one of mean, sum, max, l2, sum_square");
        }
    }

    static final Set<String> KEYS = Set.of("operation", "axis", "keepdims");

    private final Op op;
    private final int[] axes;      // Keras axes (>= 1), sorted
    private final boolean keepDims;
    private int[] outOffset;       // per input element of one example: its output element
    private int outPer, inPer;

    public Reduce(Op op, int[] axes, boolean keepDims) {
        if (axes.length == 0) throw new FoveaException("Reduce: give at least one axis");
        int[] a = axes.clone();
        Arrays.sort(a);
        for (int i = 0; i < a.length; i++) {
            if (a[i] < 1) throw new FoveaException("Reduce: axis " + a[i] + " is the batch axis or negative; axes count from 1 (the first axis of an example)");
            if (i > 0 && a[i] == a[i - 1]) throw new FoveaException("Reduce: axis " + a[i] + " is given twice");
        }
        this.op = op;
        this.axes = a;
        this.keepDims = keepDims;
    }

    static Reduce fromConfig(JsonObject c) {
        c.requireOnlyKeys(KEYS);
        return new Reduce(Op.parse(c.requireString("operation"), c.location()), c.optionalIntOrIntArray("axis", null, 1, 64),
                c.optionalBoolean("keepdims", true));
    }

    public Op op() { return op; }
    public int[] axes() { return axes.clone(); }
    public boolean keepDims() { return keepDims; }

    @Override public String className() { return "Reduce"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operation", op.key());
        m.put("axis", Arrays.stream(axes).boxed().toList());
        m.put("keepdims", keepDims);
        return m;
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        int r = in.rank();
        boolean[] reduced = new boolean[r];
        for (int a : axes) {
            if (a > r) throw new FoveaException("layer " + name() + " (Reduce): axis " + a + " is outside an input of shape " + in);
            reduced[a - 1] = true;
        }
        int[] d = in.toArray();
        int[] kept = new int[r];
        int k = 0;
        for (int i = 0; i < r; i++) {
            if (!reduced[i]) kept[k++] = d[i];
            else if (keepDims) kept[k++] = 1;
        }
        // Output stride of each input axis (0 on reduced axes), then each input element's output offset.
        int[] stride = new int[r];
        int s = 1;
        for (int i = r - 1; i >= 0; i--) {
            if (reduced[i]) continue;
            stride[i] = s;
            s *= d[i];
        }
        outPer = s;
        inPer = in.size();
        outOffset = new int[inPer];
        int[] idx = new int[r];
        for (int e = 0; e < inPer; e++) {
            int o = 0;
            for (int i = 0; i < r; i++) o += idx[i] * stride[i];
            outOffset[e] = o;
            for (int i = r - 1; i >= 0; i--) {
                if (++idx[i] < d[i]) break;
                idx[i] = 0;
            }
        }
        return Shape.of(Arrays.copyOf(kept, k));
    }

    /** Per-call state (see {@link Workspace}): one per calling thread, so one model serves many. */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        int[] argmax;          // MAX: per output element, the input element chosen
        Tensor lastInput, lastOutput;
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        Scratch s = scratch(Scratch::new);
        checkInput(x);
        s.lastInput = x;
        int n = x.dim(0);
        Tensor out = s.outBuf.get(outputShape().withBatch(n));
        float[] in = x.data(), o = out.data();
        double[] acc = new double[outPer];
        if (op == Op.MAX && (s.argmax == null || s.argmax.length != n * outPer)) s.argmax = new int[n * outPer];
        double count = (double) inPer / outPer;
        for (int b = 0; b < n; b++) {
            int base = b * inPer;
            if (op == Op.MAX) {
                Arrays.fill(acc, Double.NEGATIVE_INFINITY);
                for (int e = 0; e < inPer; e++) {
                    int oi = outOffset[e];
                    double v = in[base + e];
                    if (v > acc[oi] || Double.isNaN(v) && !Double.isNaN(acc[oi])) {
                        acc[oi] = v;
                        s.argmax[b * outPer + oi] = base + e;
                    } else if (acc[oi] == Double.NEGATIVE_INFINITY && v == Double.NEGATIVE_INFINITY && s.argmax[b * outPer + oi] < base) {
                        s.argmax[b * outPer + oi] = base + e;
                    }
                }
            } else {
                Arrays.fill(acc, 0);
                for (int e = 0; e < inPer; e++) {
                    double v = in[base + e];
                    acc[outOffset[e]] += op == Op.L2 || op == Op.SUM_SQUARE ? v * v : v;
                }
            }
            for (int i = 0; i < outPer; i++) {
                o[b * outPer + i] = (float) switch (op) {
                    case MEAN -> acc[i] / count;
                    case SUM, MAX, SUM_SQUARE -> acc[i];
                    case L2 -> Math.sqrt(acc[i]);
                };
            }
        }
        s.lastOutput = out;
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        Scratch s = scratch(Scratch::new);
        if (!needInputGrad) return null;
        int n = dy.dim(0);
        Tensor dx = s.dxBuf.get(s.lastInput.shape());
        float[] g = dy.data(), d = dx.data(), x = s.lastInput.data(), y = s.lastOutput.data();
        double count = (double) inPer / outPer;
        if (op == Op.MAX) {
            Arrays.fill(d, 0f);
            for (int i = 0; i < n * outPer; i++) d[s.argmax[i]] += g[i];
            return dx;
        }
        for (int b = 0; b < n; b++) {
            int base = b * inPer, ob = b * outPer;
            for (int e = 0; e < inPer; e++) {
                int oi = ob + outOffset[e];
                d[base + e] = (float) switch (op) {
                    case SUM -> g[oi];
                    case MEAN -> g[oi] / count;
                    case L2 -> y[oi] == 0 ? 0 : (double) g[oi] * x[base + e] / y[oi];
                    case SUM_SQUARE -> 2.0 * g[oi] * x[base + e];
                    case MAX -> throw new IllegalStateException();
                };
            }
        }
        return dx;
    }
}
