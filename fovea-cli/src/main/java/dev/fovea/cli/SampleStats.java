package dev.fovea.cli;

import java.util.Arrays;

/**
 * Median and spread of repeated measurements. Quartiles interpolate linearly between order
 * statistics (numpy's default "linear" percentile), so Fovea's and the Python benchmark's
 * numbers are computed alike.
 */
public record SampleStats(int n, double median, double min, double max, double q1, double q3) {
    public static SampleStats of(double[] samples) {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        double[] s = samples.clone();
        Arrays.sort(s);
        return new SampleStats(s.length, percentile(s, 50), s[0], s[s.length - 1], percentile(s, 25), percentile(s, 75));
    }

    /** The p-th percentile (0..100) of sorted values, interpolating linearly. */
    static double percentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Every statistic multiplied by a positive factor (e.g. img/s to GFLOP/s). */
    public SampleStats scaled(double factor) {
        return new SampleStats(n, median * factor, min * factor, max * factor, q1 * factor, q3 * factor);
    }
}
