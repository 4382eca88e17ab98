package dev.fovea.ops;

import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.VectorSupport;

import java.util.Arrays;

/**
 * Batch normalization (Ioffe and Szegedy, 2015) over the channel axis of a (outer, C, inner)
 * view: y = gamma · (x - mean) / sqrt(var + epsilon) + beta. In training the mean and (biased)
 * variance are the batch's, per channel over outer · inner values, and the moving statistics move
 * towards them as Keras does: moving = moving · momentum + batch · (1 - momentum). At inference
 * the moving statistics are used and the op is an affine map per channel, y = x · scale + shift.
 * Every loop walks memory in order (channels-last data has inner = 1); statistics are summed in
 * double. One instance serves one layer: forward keeps the per-channel mean and 1/sigma, and the
 * caller keeps x, for backward.
 */
public final class BatchNormOp {
    private double[] mean = new double[0], invStd = new double[0];   // (C) of the last forward
    private double[] sum = new double[0], sumSq = new double[0];     // (C) scratch
    private float[] scale = new float[0], shift = new float[0];      // (C) scratch
    private float[] bias = new float[0];                               // (C) scratch of the vectorised backward
    private boolean lastTraining;
    private final ChannelsLastBatchNorm vectorised;   // null: the plain loops below only (tests hold the two equal)

    public BatchNormOp() {
        this(VectorSupport.available());
    }

    /** {@code vectorise} false keeps every call on the plain loops: the reference the tests compare with. */
    BatchNormOp(boolean vectorise) {
        this.vectorised = vectorise ? new ChannelsLastBatchNorm() : null;
    }

    /** Channels-last data (inner 1) with at least one whole vector of channels takes the vectorised path. */
    private boolean fast(int c, int inner) {
        return vectorised != null && inner == 1 && c >= ChannelsLastBatchNorm.LANES;
    }

    private void ensure(int c) {
        if (mean.length < c) {
            mean = new double[c];
            invStd = new double[c];
            sum = new double[c];
            sumSq = new double[c];
            scale = new float[c];
            shift = new float[c];
        }
    }

    /**
     * y = BN(x); gamma and beta may be null (scale 1, shift 0). In training, updates movingMean
     * and movingVar in place.
     */
    public void forward(float[] y, float[] x, float[] gamma, float[] beta, float[] movingMean, float[] movingVar,
                        int outer, int c, int inner, float epsilon, float momentum, boolean training) {
        ensure(c);
        lastTraining = training;
        boolean fast = fast(c, inner);
        if (training) {
            double count = (double) outer * inner;
            if (fast) vectorised.sums(x, outer, c, sum);
            else channelSums(x, outer, c, inner, null);
            for (int ch = 0; ch < c; ch++) mean[ch] = sum[ch] / count;
            if (fast) vectorised.centredSquares(x, mean, outer, c, sumSq);
            else channelSums(x, outer, c, inner, mean);
            for (int ch = 0; ch < c; ch++) {
                double var = sumSq[ch] / count;
                invStd[ch] = 1.0 / Math.sqrt(var + epsilon);
                movingMean[ch] = (float) (movingMean[ch] * momentum + mean[ch] * (1 - momentum));
                movingVar[ch] = (float) (movingVar[ch] * momentum + var * (1 - momentum));
            }
        } else {
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = movingMean[ch];
                invStd[ch] = 1.0 / Math.sqrt(movingVar[ch] + (double) epsilon);
            }
        }
        if (fast) {
            for (int ch = 0; ch < c; ch++) {
                scale[ch] = (float) ((gamma == null ? 1 : gamma[ch]) * invStd[ch]);
                shift[ch] = beta == null ? 0 : beta[ch];
            }
            vectorised.affine(y, x, mean, scale, shift, outer, c);
            return;
        }
        for (int ch = 0; ch < c; ch++) {
            double s = (gamma == null ? 1 : gamma[ch]) * invStd[ch];
            scale[ch] = (float) s;
            shift[ch] = (float) ((beta == null ? 0 : beta[ch]) - mean[ch] * s);
        }
        float[] sc = scale, sh = shift;
        Parallel.forRange(outer, Math.max(1, 8192 / Math.max(1, c * inner)), (from, to) -> {
            for (int o = from; o < to; o++) {
                int base = o * c * inner;
                if (inner == 1) {
                    for (int ch = 0; ch < c; ch++) y[base + ch] = x[base + ch] * sc[ch] + sh[ch];
                } else {
                    for (int ch = 0; ch < c; ch++) {
                        float a = sc[ch], b = sh[ch];
                        int row = base + ch * inner;
                        for (int i = 0; i < inner; i++) y[row + i] = x[row + i] * a + b;
                    }
                }
            }
        });
    }

    /** sum[ch] = Σ x, or with centre given sumSq[ch] = Σ (x - centre)², walking x in memory order. */
    private void channelSums(float[] x, int outer, int c, int inner, double[] centre) {
        double[] acc = centre == null ? sum : sumSq;
        Arrays.fill(acc, 0, c, 0);
        for (int o = 0; o < outer; o++) {
            int base = o * c * inner;
            for (int ch = 0; ch < c; ch++) {
                int row = base + ch * inner;
                double s = 0;
                if (centre == null) {
                    for (int i = 0; i < inner; i++) s += x[row + i];
                } else {
                    double m = centre[ch];
                    for (int i = 0; i < inner; i++) {
                        double d = x[row + i] - m;
                        s += d * d;
                    }
                }
                acc[ch] += s;
            }
        }
    }

    /**
     * Accumulates dGamma and dBeta (nullable) and overwrites dx (nullable) from dy and the forward
     * input x. In training mode the batch statistics depend on x, which gives the full gradient
     * dx = gamma/sigma · (dy - mean(dy) - xHat · mean(dy · xHat)), xHat = (x - mean) / sigma.
     */
    public void backward(float[] dx, float[] dGamma, float[] dBeta, float[] dy, float[] x, float[] gamma, int outer, int c, int inner) {
        if (fast(c, inner)) {
            vectorisedBackward(dx, dGamma, dBeta, dy, x, gamma, outer, c);
            return;
        }
        Arrays.fill(sum, 0, c, 0);
        Arrays.fill(sumSq, 0, c, 0);
        for (int o = 0; o < outer; o++) {
            int base = o * c * inner;
            for (int ch = 0; ch < c; ch++) {
                int row = base + ch * inner;
                double m = mean[ch], inv = invStd[ch], sd = 0, sdx = 0;
                for (int i = 0; i < inner; i++) {
                    sd += dy[row + i];
                    sdx += dy[row + i] * (x[row + i] - m) * inv;
                }
                sum[ch] += sd;
                sumSq[ch] += sdx;
            }
        }
        for (int ch = 0; ch < c; ch++) {
            if (dGamma != null) dGamma[ch] += (float) sumSq[ch];
            if (dBeta != null) dBeta[ch] += (float) sum[ch];
        }
        if (dx == null) return;
        double count = (double) outer * inner;
        for (int o = 0; o < outer; o++) {
            int base = o * c * inner;
            for (int ch = 0; ch < c; ch++) {
                int row = base + ch * inner;
                double k = (gamma == null ? 1 : gamma[ch]) * invStd[ch];
                double meanDy = lastTraining ? sum[ch] / count : 0;
                double meanDyXHat = lastTraining ? sumSq[ch] / count : 0;
                double m = mean[ch], inv = invStd[ch];
                for (int i = 0; i < inner; i++) {
                    double xHat = (x[row + i] - m) * inv;
                    dx[row + i] = (float) (k * (dy[row + i] - meanDy - xHat * meanDyXHat));
                }
            }
        }
    }

    /**
     * The same gradient for channels-last data with the vectorised loops: sums of dy and
     * dy · (x - mean) in one pass, then dx = k · dy + a · (x - mean) + b per channel, with
     * k = gamma / sigma, a = -k · mean(dy · xHat) / sigma and b = -k · mean(dy) (a = b = 0 at inference).
     */
    private void vectorisedBackward(float[] dx, float[] dGamma, float[] dBeta, float[] dy, float[] x, float[] gamma, int outer, int c) {
        vectorised.gradientSums(dy, x, mean, outer, c, sum, sumSq);   // sum = Σ dy, sumSq = Σ dy · (x - mean)
        for (int ch = 0; ch < c; ch++) {
            if (dGamma != null) dGamma[ch] += (float) (sumSq[ch] * invStd[ch]);
            if (dBeta != null) dBeta[ch] += (float) sum[ch];
        }
        if (dx == null) return;
        double count = outer;
        if (bias.length < c) bias = new float[c];
        float[] dyScale = scale, xScale = shift, constant = bias;   // scratch: forward's scale and shift are not needed again
        for (int ch = 0; ch < c; ch++) {
            double k = (gamma == null ? 1 : gamma[ch]) * invStd[ch];
            double meanDy = lastTraining ? sum[ch] / count : 0;
            double meanDyXHat = lastTraining ? sumSq[ch] * invStd[ch] / count : 0;
            dyScale[ch] = (float) k;
            xScale[ch] = (float) (-k * invStd[ch] * meanDyXHat);
            constant[ch] = (float) (-k * meanDy);
        }
        vectorised.inputGradient(dx, dy, x, mean, dyScale, xScale, constant, outer, c);
    }
}
