package dev.fovea.tensor;

import java.util.Locale;

/**
 * Nested-bracket text of a tensor's values for {@link Tensor#toString()}, summarised like
 * NumPy's and PyTorch's printing (threshold 1,000 values, three edge items per long axis).
 */
final class TensorFormat {
    /** More values than this and long axes are summarised. */
    static final int THRESHOLD = 1000;
    /** Entries shown at each end of a summarised axis. */
    static final int EDGE = 3;

    private TensorFormat() {}

    static String format(Tensor t) {
        boolean summarise = t.size() > THRESHOLD;
        float[] d = t.data();
        boolean scientific = needsScientific(t, summarise);
        // The widest number is the largest or the most negative one (or a 4-letter -inf).
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        boolean special = false;
        for (float v : d) {
            if (Float.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            } else {
                special = true;
            }
        }
        int width = special ? 4 : 0;
        if (lo <= hi) width = Math.max(width, Math.max(number(lo, scientific).length(), number(hi, scientific).length()));
        StringBuilder out = new StringBuilder();
        append(out, t, 0, 0, summarise, scientific, width);
        return out.toString();
    }

    /** Scientific when the shown magnitudes span beyond what four decimals can show. */
    private static boolean needsScientific(Tensor t, boolean summarise) {
        double max = 0, minNonZero = Double.POSITIVE_INFINITY;
        for (float v : t.data()) {
            if (!Float.isFinite(v)) continue;
            double a = Math.abs(v);
            max = Math.max(max, a);
            if (a > 0) minNonZero = Math.min(minNonZero, a);
        }
        return max >= 1e8 || (minNonZero < 1e-4 && max / minNonZero > 1e3);
    }

    private static String number(float v, boolean scientific) {
        if (Float.isNaN(v)) return "nan";
        if (Float.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return String.format(Locale.ROOT, scientific ? "%.4e" : "%.4f", v);
    }

    /** Appends the sub-array starting at flat offset {@code base} on axis {@code axis}. */
    private static void append(StringBuilder out, Tensor t, int axis, int base, boolean summarise, boolean scientific, int width) {
        int n = t.dim(axis);
        int stride = 1;
        for (int a = axis + 1; a < t.rank(); a++) stride *= t.dim(a);
        boolean cut = summarise && n > 2 * EDGE;
        out.append('[');
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE) {
                out.append(axis == t.rank() - 1 ? "..., " : "...,\n" + " ".repeat(axis + 1));
                i = n - EDGE;
            }
            if (axis == t.rank() - 1) {
                String s = number(t.data()[base + i], scientific);
                out.append(" ".repeat(width - s.length())).append(s);
            } else {
                append(out, t, axis + 1, base + i * stride, summarise, scientific, width);
            }
            if (i < n - 1) {
                if (axis == t.rank() - 1) out.append(", ");
                else out.append(",").append("\n".repeat(t.rank() - 1 - axis)).append(" ".repeat(axis + 1));
            }
        }
        out.append(']');
    }
}
