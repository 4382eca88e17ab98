package dev.fovea.viz;

/**
 * Scales values to [0, 1] for display. Each feature map is normalised on its own (min to max),
 * as the issue asks: a map whose values all lie in [0.01, 0.02] is still drawn with the full
 * colour range, and its label carries the real range. A constant map draws as the low end.
 */
public final class Normalize {
    private Normalize() {}

    /** Range of values[from, from + count) taken every {@code stride}: {min, max}; NaNs are ignored. */
    public static float[] range(float[] values, int from, int count, int stride) {
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (int i = 0, j = from; i < count; i++, j += stride) {
            float v = values[j];
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (min > max) return new float[] {0, 0};   // empty, or all NaN
        return new float[] {min, max};
    }

    /** (v - min) / (max - min), or 0 when the range is empty. */
    public static double unit(float v, float[] range) {
        float span = range[1] - range[0];
        return span > 0 ? (v - range[0]) / span : 0;
    }

    /** A copy of values divided by their largest absolute value (all zeros stay zeros). */
    public static float[] byMaxAbs(float[] values) {
        float max = 0;
        for (float v : values) max = Math.max(max, Math.abs(v));
        float[] out = values.clone();
        if (max > 0) for (int i = 0; i < out.length; i++) out[i] /= max;
        return out;
    }
}
