package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Zooms each training image about its centre by a random amount, as Keras's RandomZoom: the
 * input region read is scaled by 1 + f with f drawn from the height factor's range (a number f
 * meaning [-f, f]), so positive factors zoom out and negative ones in. Without a width factor
 * both axes share the draw and the aspect ratio is kept. Identity at inference.
 */
public final class RandomZoom extends AffineAugmentation {
    static final Set<String> KEYS = Set.of("height_factor", "width_factor", "fill_mode", "interpolation", "fill_value");

    private final double hLo, hHi;
    private final double[] width;   // [lower, upper], or null: the height's draw

    /** Zooms of up to factor either way, aspect ratio kept. */
    public RandomZoom(double factor) {
        this(-Math.abs(factor), Math.abs(factor), null, Fill.DEFAULT);
    }

    /** Independent zooms of the two axes. */
    public RandomZoom(double heightFactor, double widthFactor) {
        this(-Math.abs(heightFactor), Math.abs(heightFactor), new double[] {-Math.abs(widthFactor), Math.abs(widthFactor)}, Fill.DEFAULT);
    }

    /** widthRange: [lower, upper], or null to scale the width as the height. */
    public RandomZoom(double heightLower, double heightUpper, double[] widthRange, Fill fill) {
        super(fill);
        check("height_factor", heightLower, heightUpper);
        if (widthRange != null) check("width_factor", widthRange[0], widthRange[1]);
        this.hLo = heightLower;
        this.hHi = heightUpper;
        this.width = widthRange == null ? null : widthRange.clone();
    }

    private static void check(String key, double lo, double hi) {
        if (!(lo >= -1 && Double.isFinite(hi) && lo <= hi)) {
            throw new FoveaException("RandomZoom: " + key + " must be >= -1 and finite with lower <= upper, got [" + lo + ", " + hi + "]");
        }
    }

    static RandomZoom fromConfig(JsonObject c) {
        c.requireOnlyKeys(KEYS);
        double[] h = c.requireRange("height_factor", true);
        double[] w = c.optionalRange("width_factor", null, true);
        return new RandomZoom(h[0], h[1], w, readFill(c));
    }

    @Override protected AffineAugmentation withFill(Fill f) { return new RandomZoom(hLo, hHi, width, f); }

    @Override public String className() { return "RandomZoom"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = map();
        m.put("height_factor", List.of(hLo, hHi));
        if (width != null) m.put("width_factor", List.of(width[0], width[1]));
        return fillConfig(m);
    }

    @Override protected void transform(AffineSampler s, boolean transpose, float[] src, int srcOff, float[] dst, int dstOff,
                                       int h, int w, long key) {
        double zy = 1 + RandomKeys.uniform(key, 0, hLo, hHi);
        double zx = width == null ? zy : 1 + RandomKeys.uniform(key, 1, width[0], width[1]);
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        // input = centre + zoom (output - centre)
        warp(s, transpose, src, srcOff, dst, dstOff, zx, 0, cx * (1 - zx), 0, zy, cy * (1 - zy));
    }
}
