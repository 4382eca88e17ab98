package dev.fovea.data;

/**
 * Resizes images one axis at a time. Each output pixel is a fixed weighted sum of input pixels
 * along the axis: on a shrinking axis, the average over the input span it covers (area
 * averaging: every input pixel counts, so no aliasing from skipped pixels); on a growing axis,
 * linear interpolation between the two nearest input centres. All weights are non-negative and
 * sum to 1 (up to float rounding), so values stay within the input's range.
 */
final class Resampler {
    /** For each output index: the first input index and the weights of the inputs from there. */
    private final int[] first;
    private final float[][] weights;

    private Resampler(int[] first, float[][] weights) {
        this.first = first;
        this.weights = weights;
    }

    static Resampler of(int in, int out) {
        return out < in ? area(in, out) : linear(in, out);
    }

    static String methodName(int in, int out) {
        return out < in ? "area averaging" : out > in ? "bilinear interpolation" : "none";
    }

    private static Resampler area(int in, int out) {
        int[] first = new int[out];
        float[][] weights = new float[out][];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double lo = o * scale;
            double hi = Math.min(in, (o + 1) * scale);
            int a = (int) Math.floor(lo);
            int b = Math.min(in, (int) Math.ceil(hi));
            first[o] = a;
            weights[o] = new float[b - a];
            for (int i = a; i < b; i++) {
                weights[o][i - a] = (float) ((Math.min(hi, i + 1) - Math.max(lo, i)) / scale);
            }
        }
        return new Resampler(first, weights);
    }

    private static Resampler linear(int in, int out) {
        int[] first = new int[out];
        float[][] weights = new float[out][];
        for (int o = 0; o < out; o++) {
            // Pixel centres aligned: output centre o+0.5 sits at input position (o+0.5)*in/out.
            double x = Math.clamp((o + 0.5) * in / out - 0.5, 0.0, in - 1.0);
            int a = Math.min((int) Math.floor(x), in - 1);
            double f = x - a;
            first[o] = a;
            weights[o] = a + 1 < in ? new float[] {(float) (1 - f), (float) f} : new float[] {1f};
        }
        return new Resampler(first, weights);
    }

    int outSize() { return first.length; }

    /**
     * Resamples one block along this axis: {@code src} from {@code srcOff} holds the input steps,
     * each {@code inner} contiguous values (the channels of a pixel, or a whole row); {@code dst}
     * from {@code dstOff} receives {@link #outSize()} steps of the same width.
     */
    void apply(float[] src, int srcOff, float[] dst, int dstOff, int inner) {
        for (int o = 0; o < first.length; o++) {
            float[] w = weights[o];
            int s0 = srcOff + first[o] * inner;
            int d = dstOff + o * inner;
            for (int k = 0; k < inner; k++) {
                float sum = 0;
                for (int t = 0; t < w.length; t++) sum += w[t] * src[s0 + t * inner + k];
                dst[d + k] = sum;
            }
        }
    }
}
