package dev.fovea.ops;

import dev.fovea.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The loops of {@link BatchNormOp} for channels-last data (rows of C channels, inner = 1), on the
 * Vector API over channels and split over the worker pool.
 *
 * <p>Why a separate path: walking (rows, C) one value at a time with a per-channel double
 * accumulator in memory cost about 7 ns a value (BN was a third of a VGG-style training step).
 * Here a block of rows small enough for L1 is summed one channel vector at a time in a float
 * register, and each block's sums are added into double per channel, so precision stays that of a
 * double sum over blocks of at most 64 floats.
 *
 * <p>Statistics are reduced over a fixed split of the rows (independent of the thread count), in
 * split order, so results are identical for any number of threads. Channels past the last whole
 * vector are done with scalar loops.
 */
final class ChannelsLastBatchNorm implements Parallel.RangeBody {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int LANES = S.length();
    /** Rows summed in float before their sums go into double. */
    private static final int BLOCK_ROWS = 64;
    /** At most this many partial sums per statistic; parts have at least MIN_PART_ROWS rows. */
    private static final int MAX_PARTS = 16, MIN_PART_ROWS = 256;

    private enum Pass { SUM, CENTRED_SQUARES, GRADIENT_SUMS, AFFINE, INPUT_GRADIENT }

    // Arguments of the pass in progress (fields, so the parallel body allocates nothing).
    private Pass pass;
    private float[] x, y, dy;
    private int rows, c, parts;
    private float[] centre = new float[0];                  // (C) mean, for centred passes
    private float[] a = new float[0], b = new float[0], k = new float[0];   // (C) per-channel coefficients
    private double[][] partial1 = new double[0][], partial2 = new double[0][];   // (parts, C)

    private void ensure(int channels, int nParts) {
        if (centre.length < channels) {
            centre = new float[channels];
            a = new float[channels];
            b = new float[channels];
            k = new float[channels];
        }
        if (partial1.length < nParts || (nParts > 0 && partial1[0].length < channels)) {
            partial1 = new double[Math.max(nParts, partial1.length)][channels];
            partial2 = new double[Math.max(nParts, partial2.length)][channels];
        }
    }

    private void begin(Pass p, int rowCount, int channels) {
        pass = p;
        rows = rowCount;
        c = channels;
        parts = Math.max(1, Math.min(MAX_PARTS, rowCount / MIN_PART_ROWS));
        ensure(channels, parts);
    }

    /** sum[ch] = Σ_rows x[r, ch] (double). */
    void sums(float[] x, int rowCount, int channels, double[] sum) {
        this.x = x;
        begin(Pass.SUM, rowCount, channels);
        Parallel.forRange(parts, 1, this);
        reduce(partial1, sum);
        this.x = null;
    }

    /** squares[ch] = Σ_rows (x[r, ch] - mean[ch])². */
    void centredSquares(float[] x, double[] mean, int rowCount, int channels, double[] squares) {
        this.x = x;
        begin(Pass.CENTRED_SQUARES, rowCount, channels);
        for (int ch = 0; ch < channels; ch++) centre[ch] = (float) mean[ch];
        Parallel.forRange(parts, 1, this);
        reduce(partial1, squares);
        this.x = null;
    }

    /** sumDy[ch] = Σ dy, sumDyCentred[ch] = Σ dy · (x - mean). */
    void gradientSums(float[] dy, float[] x, double[] mean, int rowCount, int channels, double[] sumDy, double[] sumDyCentred) {
        this.x = x;
        this.dy = dy;
        begin(Pass.GRADIENT_SUMS, rowCount, channels);
        for (int ch = 0; ch < channels; ch++) centre[ch] = (float) mean[ch];
        Parallel.forRange(parts, 1, this);
        reduce(partial1, sumDy);
        reduce(partial2, sumDyCentred);
        this.x = null;
        this.dy = null;
    }

    /** y[r, ch] = (x[r, ch] - mean[ch]) · scale[ch] + shift[ch]; centred, so a large mean costs no precision. */
    void affine(float[] y, float[] x, double[] mean, float[] scale, float[] shift, int rowCount, int channels) {
        this.x = x;
        this.y = y;
        begin(Pass.AFFINE, rowCount, channels);
        for (int ch = 0; ch < channels; ch++) centre[ch] = (float) mean[ch];
        System.arraycopy(scale, 0, a, 0, channels);
        System.arraycopy(shift, 0, b, 0, channels);
        Parallel.forRange(parts, 1, this);
        this.x = null;
        this.y = null;
    }

    /** dx[r, ch] = dyScale[ch] · dy + xScale[ch] · (x - mean[ch]) + shift[ch] (BN's input gradient, rearranged). */
    void inputGradient(float[] dx, float[] dy, float[] x, double[] mean, float[] dyScale, float[] xScale, float[] shift,
                       int rowCount, int channels) {
        this.x = x;
        this.dy = dy;
        this.y = dx;
        begin(Pass.INPUT_GRADIENT, rowCount, channels);
        for (int ch = 0; ch < channels; ch++) centre[ch] = (float) mean[ch];
        System.arraycopy(dyScale, 0, k, 0, channels);
        System.arraycopy(xScale, 0, a, 0, channels);
        System.arraycopy(shift, 0, b, 0, channels);
        Parallel.forRange(parts, 1, this);
        this.x = null;
        this.dy = null;
        this.y = null;
    }

    private void reduce(double[][] partial, double[] out) {
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int p = 0; p < parts; p++) s += partial[p][ch];
            out[ch] = s;
        }
    }

    @Override public void run(int p0, int p1) {
        for (int p = p0; p < p1; p++) {
            int r0 = (int) ((long) rows * p / parts), r1 = (int) ((long) rows * (p + 1) / parts);
            switch (pass) {
                case SUM, CENTRED_SQUARES, GRADIENT_SUMS -> statistics(p, r0, r1);
                case AFFINE -> affineRows(r0, r1);
                case INPUT_GRADIENT -> inputGradientRows(r0, r1);
            }
        }
    }

    /** Part p's sums over rows [r0, r1), block by block: vector channels first, then the scalar tail. */
    private void statistics(int p, int r0, int r1) {
        double[] out1 = partial1[p], out2 = partial2[p];
        java.util.Arrays.fill(out1, 0, c, 0);
        java.util.Arrays.fill(out2, 0, c, 0);
        int vc = c / LANES * LANES;
        for (int b0 = r0; b0 < r1; b0 += BLOCK_ROWS) {
            int b1 = Math.min(r1, b0 + BLOCK_ROWS);
            for (int ch = 0; ch < vc; ch += LANES) {
                switch (pass) {
                    case SUM -> addLanes(out1, ch, sumBlock(b0, b1, ch));
                    case CENTRED_SQUARES -> addLanes(out1, ch, centredSquaresBlock(b0, b1, ch));
                    default -> gradientBlock(b0, b1, ch, out1, out2);
                }
            }
            for (int ch = vc; ch < c; ch++) scalarBlock(b0, b1, ch, out1, out2);
        }
    }

    private FloatVector sumBlock(int b0, int b1, int ch) {
        FloatVector s = FloatVector.zero(S);
        for (int i = b0 * c + ch, end = b1 * c; i < end; i += c) s = s.add(FloatVector.fromArray(S, x, i));
        return s;
    }

    private FloatVector centredSquaresBlock(int b0, int b1, int ch) {
        FloatVector s = FloatVector.zero(S), m = FloatVector.fromArray(S, centre, ch);
        for (int i = b0 * c + ch, end = b1 * c; i < end; i += c) {
            FloatVector d = FloatVector.fromArray(S, x, i).sub(m);
            s = d.fma(d, s);
        }
        return s;
    }

    private void gradientBlock(int b0, int b1, int ch, double[] sumDy, double[] sumDyCentred) {
        FloatVector s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), m = FloatVector.fromArray(S, centre, ch);
        for (int i = b0 * c + ch, end = b1 * c; i < end; i += c) {
            FloatVector g = FloatVector.fromArray(S, dy, i);
            s1 = s1.add(g);
            s2 = g.fma(FloatVector.fromArray(S, x, i).sub(m), s2);
        }
        addLanes(sumDy, ch, s1);
        addLanes(sumDyCentred, ch, s2);
    }

    private static void addLanes(double[] out, int ch, FloatVector v) {
        for (int l = 0; l < LANES; l++) out[ch + l] += v.lane(l);
    }

    private void scalarBlock(int b0, int b1, int ch, double[] out1, double[] out2) {
        float s1 = 0, s2 = 0, m = pass == Pass.SUM ? 0 : centre[ch];
        for (int i = b0 * c + ch, end = b1 * c; i < end; i += c) {
            switch (pass) {
                case SUM -> s1 += x[i];
                case CENTRED_SQUARES -> s1 += (x[i] - m) * (x[i] - m);
                default -> {
                    s1 += dy[i];
                    s2 += dy[i] * (x[i] - m);
                }
            }
        }
        out1[ch] += s1;
        out2[ch] += s2;
    }

    private void affineRows(int r0, int r1) {
        int vc = c / LANES * LANES;
        for (int r = r0; r < r1; r++) {
            int base = r * c;
            for (int ch = 0; ch < vc; ch += LANES) {
                FloatVector.fromArray(S, x, base + ch).sub(FloatVector.fromArray(S, centre, ch))
                        .fma(FloatVector.fromArray(S, a, ch), FloatVector.fromArray(S, b, ch))
                        .intoArray(y, base + ch);
            }
            for (int ch = vc; ch < c; ch++) y[base + ch] = (x[base + ch] - centre[ch]) * a[ch] + b[ch];
        }
    }

    private void inputGradientRows(int r0, int r1) {
        int vc = c / LANES * LANES;
        for (int r = r0; r < r1; r++) {
            int base = r * c;
            for (int ch = 0; ch < vc; ch += LANES) {
                FloatVector.fromArray(S, dy, base + ch).mul(FloatVector.fromArray(S, k, ch))
                        .add(FloatVector.fromArray(S, x, base + ch).sub(FloatVector.fromArray(S, centre, ch))
                                .fma(FloatVector.fromArray(S, a, ch), FloatVector.fromArray(S, b, ch)))
                        .intoArray(y, base + ch);
            }
            for (int ch = vc; ch < c; ch++) y[base + ch] = k[ch] * dy[base + ch] + (a[ch] * (x[base + ch] - centre[ch]) + b[ch]);
        }
    }
}
