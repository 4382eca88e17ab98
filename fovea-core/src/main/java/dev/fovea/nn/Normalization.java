package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.Set;

/**
 * Per-channel standardisation, as Keras's Normalization with axis -1:
 * y = (x - mean) / max(sqrt(variance), 1e-7). The mean and variance are given, or learnt from
 * training data by {@link #adapt} (population variance, as Keras), and are saved in the layer's
 * config, so the model file carries them. Active at inference too. Backward: dy / std.
 */
public final class Normalization extends ImageTransformLayer {
    static final Set<String> KEYS = Set.of("axis", "mean", "variance");
    /** Keras's backend.epsilon(): the smallest standard deviation divided by. */
    private static final double EPSILON = 1e-7;

    private float[] mean;       // (C) or (1), null until adapted
    private float[] variance;
    private float[] invStd;

    /** A layer to {@link #adapt} before use. */
    public Normalization() {}

    /** Given statistics: one value for all channels, or one per channel. */
    public Normalization(float[] mean, float[] variance) {
        set(mean, variance, "Normalization");
    }

    static Normalization fromConfig(JsonObject c) {
        c.requireOnlyKeys(KEYS);
        if (c.optionalInt("axis", -1) != -1) throw c.error("axis", "must be -1 (the channels), got " + c.get("axis"));
        float[] m = c.optionalFloats("mean"), v = c.optionalFloats("variance");
        if ((m == null) != (v == null)) throw c.error("give both mean and variance, or neither (then call adapt)");
        Normalization n = new Normalization();
        if (m != null) n.set(m, v, c.location());
        return n;
    }

    private void set(float[] m, float[] v, String where) {
        if (m.length != v.length) {
            throw new FoveaException(where + ": mean has " + m.length + " values but variance has " + v.length + "; give one per channel");
        }
        float[] inv = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            if (!Float.isFinite(m[i]) || !(v[i] >= 0) || !Float.isFinite(v[i])) {
                throw new FoveaException(where + ": channel " + i + " has mean " + m[i] + " and variance " + v[i]
                        + "; the mean must be finite and the variance finite and >= 0");
            }
            inv[i] = (float) (1 / Math.max(Math.sqrt(v[i]), EPSILON));
        }
        if (isBuilt()) checkChannels(m.length, inputShape());
        this.mean = m.clone();
        this.variance = v.clone();
        this.invStd = inv;
    }

    public boolean isAdapted() { return mean != null; }

    /** The per-channel mean (a copy), or null before adapt. */
    public float[] mean() { return mean == null ? null : mean.clone(); }

    public float[] variance() { return variance == null ? null : variance.clone(); }

    /** What forward multiplies by after subtracting the mean: 1 / max(sqrt(variance), 1e-7), per channel (a copy). */
    public float[] inverseStd() { return invStd == null ? null : invStd.clone(); }

    /** Learns each channel's mean and variance from images (N, ..., C). */
    public Normalization adapt(Tensor images) {
        Stats s = new Stats(images.dim(-1));
        s.add(images);
        set(s.mean(), s.variance(), "layer " + name() + " (Normalization)");
        return this;
    }

    /**
     * Learns each channel's mean and variance from every batch of images (N, ..., C) the stream
     * yields, then closes it: e.g. {@code adapt(trainingData.imageBatches(256))}, which reads a
     * data set too large to hold at once.
     */
    public Normalization adapt(Stream<Tensor> batches) {
        Stats s = null;
        try (batches) {
            for (Iterator<Tensor> it = batches.iterator(); it.hasNext(); ) {
                Tensor b = it.next();
                if (s == null) s = new Stats(b.dim(-1));
                else if (b.dim(-1) != s.c) {
                    throw new FoveaException("Normalization.adapt: batches have " + s.c + " channels, then " + b.dim(-1));
                }
                s.add(b);
            }
        }
        if (s == null) throw new FoveaException("Normalization.adapt: the data is empty");
        set(s.mean(), s.variance(), "layer " + name() + " (Normalization)");
        return this;
    }

    @Override public String className() { return "Normalization"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("axis", -1);
        if (mean != null) {
            m.put("mean", doubles(mean));
            m.put("variance", doubles(variance));
        }
        return m;
    }

    private static List<Double> doubles(float[] f) {
        Double[] d = new Double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = (double) f[i];
        return List.of(d);
    }

    @Override public boolean isRandom() { return false; }

    @Override public Shape outputShape(Shape in) {
        if (in.rank() < 1) throw new FoveaException("layer " + name() + " (Normalization) needs inputs with a channel axis, got " + in);
        if (mean != null) checkChannels(mean.length, in);
        return in;
    }

    private void checkChannels(int values, Shape in) {
        if (values != 1 && values != in.dim(-1)) {
            throw new FoveaException("layer " + name() + " (Normalization) has statistics for " + values + " channels but its input "
                    + in + " has " + in.dim(-1));
        }
    }

    @Override public void apply(float[] x, int xOff, float[] y, int yOff, Shape in, long key) {
        float[] m = requireAdapted(), inv = invStd;
        int c = m.length, n = in.size();
        for (int i = 0, ch = 0; i < n; i++, ch = ch + 1 == c ? 0 : ch + 1) y[yOff + i] = (x[xOff + i] - m[ch]) * inv[ch];
    }

    @Override protected void applyTranspose(float[] dy, int dyOff, float[] dx, int dxOff, Shape in, long key) {
        float[] inv = invStd;
        int c = inv.length, n = in.size();
        for (int i = 0, ch = 0; i < n; i++, ch = ch + 1 == c ? 0 : ch + 1) dx[dxOff + i] = dy[dyOff + i] * inv[ch];
    }

    private float[] requireAdapted() {
        float[] m = mean;
        if (m == null) {
            throw new FoveaException("layer " + name() + " (Normalization) has no mean and variance: call adapt(data) first or give them");
        }
        return m;
    }

    /** Per-channel mean and M2 merged batch by batch (Chan, Golub and LeVeque, 1979), in double. */
    private static final class Stats {
        private final int c;
        private final double[] mean, m2, bSum, bM2;
        private long count;

        Stats(int channels) {
            c = channels;
            mean = new double[c];
            m2 = new double[c];
            bSum = new double[c];
            bM2 = new double[c];
        }

        void add(Tensor t) {
            float[] x = t.data();
            long nb = x.length / c;
            if (nb == 0) return;
            java.util.Arrays.fill(bSum, 0);
            java.util.Arrays.fill(bM2, 0);
            for (int i = 0; i < x.length; i++) bSum[i % c] += x[i];
            for (int k = 0; k < c; k++) bSum[k] /= nb;   // now the batch mean
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - bSum[i % c];
                bM2[i % c] += d * d;
            }
            long n = count + nb;
            for (int k = 0; k < c; k++) {
                double delta = bSum[k] - mean[k];
                mean[k] += delta * nb / n;
                m2[k] += bM2[k] + delta * delta * count * nb / n;
            }
            count = n;
        }

        float[] mean() {
            if (count == 0) throw new FoveaException("Normalization.adapt: the data is empty");
            float[] f = new float[c];
            for (int k = 0; k < c; k++) f[k] = (float) mean[k];
            return f;
        }

        float[] variance() {
            float[] f = new float[c];
            for (int k = 0; k < c; k++) f[k] = (float) (m2[k] / count);
            return f;
        }
    }
}
