package dev.fovea.gradcheck;

/**
 * Double-precision forward passes of Fovea's ops, written as plain loops in a deliberately
 * different formulation from the code under test, so finite differences taken on them are an
 * independent oracle for the float32 backward passes:
 * <ul>
 *   <li>"same" padding is materialised (an explicitly padded copy of the input) and the op then runs
 *       "valid" on it, instead of skipping out-of-range taps as the ops do;</li>
 *   <li>the padding amounts come from {@link #axis}, TensorFlow's documented rule, not from
 *       {@code WindowGeometry};</li>
 *   <li>average pooling divides by a count obtained by pooling a padded mask of ones.</li>
 * </ul>
 * Layouts are Fovea's: activations (N, H, W, C), conv kernels (KH, KW, C, F), dense kernels (I, U).
 */
public final class DoubleOps {
    private DoubleOps() {}

    /** Output size and padding of one spatial axis. */
    public record Axis(int out, int before, int after) {}

    /**
     * Keras/TensorFlow window placement along one axis: "valid" keeps windows inside the input;
     * "same" gives out = ceil(in / s) and pads total = max((out - 1) s + k - in, 0), the smaller
     * half before.
     */
    public static Axis axis(int in, int k, int s, boolean same) {
        if (!same) return new Axis((in - k) / s + 1, 0, 0);
        int out = (in + s - 1) / s;
        int total = Math.max((out - 1) * s + k - in, 0);
        return new Axis(out, total / 2, total - total / 2);
    }

    /** Window settings shared by convolution and pooling. */
    public record Window(int kh, int kw, int sh, int sw, boolean same) {
        public Axis rows(int h) { return axis(h, kh, sh, same); }
        public Axis cols(int w) { return axis(w, kw, sw, same); }
    }

    /** x (N, H, W, C) copied into (N, H + top + bottom, W + left + right, C) with `fill` around it. */
    public static double[] pad(double[] x, int n, int h, int w, int c, Axis rows, Axis cols, double fill) {
        int ph = h + rows.before() + rows.after();
        int pw = w + cols.before() + cols.after();
        double[] p = new double[n * ph * pw * c];
        java.util.Arrays.fill(p, fill);
        for (int b = 0; b < n; b++)
            for (int y = 0; y < h; y++)
                for (int xx = 0; xx < w; xx++)
                    for (int ch = 0; ch < c; ch++)
                        p[((b * ph + y + rows.before()) * pw + xx + cols.before()) * c + ch] = x[((b * h + y) * w + xx) * c + ch];
        return p;
    }

    /** y (N, OH, OW, F) = cross-correlation of x (N, H, W, C) with kernel (KH, KW, C, F) + bias (F, nullable). */
    public static double[] conv2d(double[] x, int n, int h, int w, int c, double[] kernel, double[] bias, int f, Window win) {
        return conv2d(x, n, h, w, c, kernel, bias, f, win, win.rows(h), win.cols(w));
    }

    /** As above with the padding of each axis given explicitly (lets a test try a wrong convention). */
    public static double[] conv2d(double[] x, int n, int h, int w, int c, double[] kernel, double[] bias, int f,
                                  Window win, Axis rows, Axis cols) {
        double[] p = pad(x, n, h, w, c, rows, cols, 0);
        int ph = h + rows.before() + rows.after(), pw = w + cols.before() + cols.after();
        double[] y = new double[n * rows.out() * cols.out() * f];
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < rows.out(); oy++)
                for (int ox = 0; ox < cols.out(); ox++)
                    for (int o = 0; o < f; o++) {
                        double s = bias == null ? 0 : bias[o];
                        for (int ky = 0; ky < win.kh(); ky++)
                            for (int kx = 0; kx < win.kw(); kx++)
                                for (int ch = 0; ch < c; ch++) {
                                    int py = oy * win.sh() + ky, px = ox * win.sw() + kx;
                                    s += p[((b * ph + py) * pw + px) * c + ch] * kernel[((ky * win.kw() + kx) * c + ch) * f + o];
                                }
                        y[((b * rows.out() + oy) * cols.out() + ox) * f + o] = s;
                    }
        return y;
    }

    /** Max over each window; padding is -infinity, so it never wins. */
    public static double[] maxPool(double[] x, int n, int h, int w, int c, Window win) {
        Axis rows = win.rows(h), cols = win.cols(w);
        double[] p = pad(x, n, h, w, c, rows, cols, Double.NEGATIVE_INFINITY);
        return windowReduce(p, n, h + rows.before() + rows.after(), w + cols.before() + cols.after(), c,
                rows.out(), cols.out(), win, true);
    }

    /** Mean over the real (unpadded) cells of each window, as TensorFlow's "same" average pooling. */
    public static double[] avgPool(double[] x, int n, int h, int w, int c, Window win) {
        Axis rows = win.rows(h), cols = win.cols(w);
        int ph = h + rows.before() + rows.after(), pw = w + cols.before() + cols.after();
        double[] sums = windowReduce(pad(x, n, h, w, c, rows, cols, 0), n, ph, pw, c, rows.out(), cols.out(), win, false);
        double[] ones = new double[x.length];
        java.util.Arrays.fill(ones, 1);
        double[] counts = windowReduce(pad(ones, n, h, w, c, rows, cols, 0), n, ph, pw, c, rows.out(), cols.out(), win, false);
        for (int i = 0; i < sums.length; i++) sums[i] /= counts[i];
        return sums;
    }

    /** Max (or sum) of each window of an already padded (N, PH, PW, C) array, placed "valid". */
    private static double[] windowReduce(double[] p, int n, int ph, int pw, int c, int oh, int ow, Window win, boolean max) {
        double[] y = new double[n * oh * ow * c];
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int ch = 0; ch < c; ch++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int ky = 0; ky < win.kh(); ky++)
                            for (int kx = 0; kx < win.kw(); kx++) {
                                double v = p[((b * ph + oy * win.sh() + ky) * pw + ox * win.sw() + kx) * c + ch];
                                acc = max ? Math.max(acc, v) : acc + v;
                            }
                        y[((b * oh + oy) * ow + ox) * c + ch] = acc;
                    }
        return y;
    }

    /** y (N, U) = x (N, I) · kernel (I, U) + bias (U, nullable). */
    public static double[] dense(double[] x, int n, int in, double[] kernel, double[] bias, int units) {
        double[] y = new double[n * units];
        for (int r = 0; r < n; r++)
            for (int u = 0; u < units; u++) {
                double s = bias == null ? 0 : bias[u];
                for (int i = 0; i < in; i++) s += x[r * in + i] * kernel[i * units + u];
                y[r * units + u] = s;
            }
        return y;
    }

    public static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
        return y;
    }

    public static double[] sigmoid(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = 1 / (1 + Math.exp(-x[i]));
        return y;
    }

    /** tanh written out from exponentials (inputs in tests stay small enough for e^2x not to overflow). */
    public static double[] tanh(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double e = Math.exp(2 * x[i]);
            y[i] = (e - 1) / (e + 1);
        }
        return y;
    }

    /** Row-wise softmax of (rows, k); the row maximum is subtracted so large logits stay finite. */
    public static double[] softmax(double[] x, int rows, int k) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, x[r * k + j]);
            double sum = 0;
            for (int j = 0; j < k; j++) sum += y[r * k + j] = Math.exp(x[r * k + j] - max);
            for (int j = 0; j < k; j++) y[r * k + j] /= sum;
        }
        return y;
    }

    /** Mean over rows of -log softmax(logits)[label]. */
    public static double softmaxCrossEntropy(double[] logits, int[] labels, int n, int k) {
        double[] p = softmax(logits, n, k);
        double total = 0;
        for (int r = 0; r < n; r++) total -= Math.log(p[r * k + labels[r]]);
        return total / n;
    }

    public static double[] multiply(double[] x, double[] mask) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * mask[i];
        return y;
    }

    /** Σ w ⊙ y: the random linear functional used as the loss, so every output element matters. */
    public static double dot(double[] w, double[] y) {
        if (w.length != y.length) throw new IllegalArgumentException(w.length + " weights for " + y.length + " outputs");
        double s = 0;
        for (int i = 0; i < w.length; i++) s += w[i] * y[i];
        return s;
    }
}
