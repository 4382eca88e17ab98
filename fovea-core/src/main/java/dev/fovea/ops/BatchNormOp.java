package dev.fovea.ops;

/**
 * Batch normalization (Ioffe and Szegedy, 2015) over the channel axis of a (outer, C, inner)
 * view: y = gamma · (x - mean) / sqrt(var + epsilon) + beta. In training the mean and (biased)
 * variance are the batch's, per channel over outer · inner values, and the moving statistics move
 * towards them as Keras does: moving = moving · momentum + batch · (1 - momentum). At inference
 * the moving statistics are used and the layer is an affine map per channel. Sums run in double.
 * One instance serves one layer: forward keeps the normalized input and 1/sigma for backward.
 */
public final class BatchNormOp {
    private float[] xHat = new float[0];       // (outer, C, inner) of the last forward
    private double[] invStd = new double[0];   // (C) of the last forward
    private double[] sumDy = new double[0], sumDyXHat = new double[0];
    private boolean lastTraining;

    /**
     * y = BN(x); gamma and beta may be null (scale 1, shift 0). In training, updates movingMean
     * and movingVar in place.
     */
    public void forward(float[] y, float[] x, float[] gamma, float[] beta, float[] movingMean, float[] movingVar,
                        int outer, int c, int inner, float epsilon, float momentum, boolean training) {
        int size = outer * c * inner;
        if (xHat.length < size) xHat = new float[size];
        if (invStd.length < c) {
            invStd = new double[c];
            sumDy = new double[c];
            sumDyXHat = new double[c];
        }
        lastTraining = training;
        double count = (double) outer * inner;
        for (int ch = 0; ch < c; ch++) {
            double mean, var;
            if (training) {
                double s = 0;
                for (int o = 0; o < outer; o++) {
                    int base = (o * c + ch) * inner;
                    for (int i = 0; i < inner; i++) s += x[base + i];
                }
                mean = s / count;
                double v = 0;
                for (int o = 0; o < outer; o++) {
                    int base = (o * c + ch) * inner;
                    for (int i = 0; i < inner; i++) {
                        double d = x[base + i] - mean;
                        v += d * d;
                    }
                }
                var = v / count;
                movingMean[ch] = (float) (movingMean[ch] * momentum + mean * (1 - momentum));
                movingVar[ch] = (float) (movingVar[ch] * momentum + var * (1 - momentum));
            } else {
                mean = movingMean[ch];
                var = movingVar[ch];
            }
            double inv = 1.0 / Math.sqrt(var + epsilon);
            invStd[ch] = inv;
            double g = gamma == null ? 1 : gamma[ch];
            double b = beta == null ? 0 : beta[ch];
            for (int o = 0; o < outer; o++) {
                int base = (o * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    float h = (float) ((x[base + i] - mean) * inv);
                    xHat[base + i] = h;
                    y[base + i] = (float) (g * h + b);
                }
            }
        }
    }

    /**
     * Accumulates dGamma and dBeta (nullable) and overwrites dx (nullable) from dy. In training
     * mode the batch statistics depend on x, which gives the full gradient
     * dx = gamma/sigma · (dy - mean(dy) - xHat · mean(dy · xHat)).
     */
    public void backward(float[] dx, float[] dGamma, float[] dBeta, float[] dy, float[] gamma, int outer, int c, int inner) {
        double count = (double) outer * inner;
        for (int ch = 0; ch < c; ch++) {
            double sd = 0, sdx = 0;
            for (int o = 0; o < outer; o++) {
                int base = (o * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    sd += dy[base + i];
                    sdx += (double) dy[base + i] * xHat[base + i];
                }
            }
            sumDy[ch] = sd;
            sumDyXHat[ch] = sdx;
            if (dGamma != null) dGamma[ch] += (float) sdx;
            if (dBeta != null) dBeta[ch] += (float) sd;
        }
        if (dx == null) return;
        for (int ch = 0; ch < c; ch++) {
            double scale = (gamma == null ? 1 : gamma[ch]) * invStd[ch];
            double meanDy = lastTraining ? sumDy[ch] / count : 0;
            double meanDyXHat = lastTraining ? sumDyXHat[ch] / count : 0;
            for (int o = 0; o < outer; o++) {
                int base = (o * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    dx[base + i] = (float) (scale * (dy[base + i] - meanDy - xHat[base + i] * meanDyXHat));
                }
            }
        }
    }
}
