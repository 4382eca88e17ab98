package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;

import java.util.Map;
import java.util.Set;

/**
 * Shifts each training image by a random fraction of its height and width, as Keras's
 * RandomTranslation: a factor f means a shift drawn uniformly from [-f, f] of the size, a pair
 * [lower, upper] from that range; positive shifts move the content down and right. Sub-pixel
 * shifts are resampled bilinearly; uncovered pixels follow fill_mode. Identity at inference.
 */
public final class RandomTranslation extends AffineAugmentation {
    static final Set<String> KEYS = Set.of("height_factor", "width_factor", "fill_mode", "interpolation", "fill_value");

    private final double hLo, hHi, wLo, wHi;

    /** Shifts of up to heightFactor x height and widthFactor x width either way. */
    public RandomTranslation(double heightFactor, double widthFactor) {
        this(-Math.abs(heightFactor), Math.abs(heightFactor), -Math.abs(widthFactor), Math.abs(widthFactor), Fill.DEFAULT);
    }

    public RandomTranslation(double heightLower, double heightUpper, double widthLower, double widthUpper, Fill fill) {
        super(fill);
        check("height_factor", heightLower, heightUpper);
        check("width_factor", widthLower, widthUpper);
        this.hLo = heightLower;
        this.hHi = heightUpper;
        this.wLo = widthLower;
        this.wHi = widthUpper;
    }

    private static void check(String key, double lo, double hi) {
        if (!(lo >= -1 && hi <= 1 && lo <= hi)) {
            throw new FoveaException("RandomTranslation: " + key + " must lie in [-1, 1] with lower <= upper, got [" + lo + ", " + hi + "]");
        }
    }

    static RandomTranslation fromConfig(JsonObject c) {
        c.requireOnlyKeys(KEYS);
        double[] h = c.requireRange("height_factor", true), w = c.requireRange("width_factor", true);
        return new RandomTranslation(h[0], h[1], w[0], w[1], readFill(c));
    }

    @Override protected AffineAugmentation withFill(Fill f) { return new RandomTranslation(hLo, hHi, wLo, wHi, f); }

    @Override public String className() { return "RandomTranslation"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = map();
        m.put("height_factor", java.util.List.of(hLo, hHi));
        m.put("width_factor", java.util.List.of(wLo, wHi));
        return fillConfig(m);
    }

    @Override protected void transform(AffineSampler s, boolean transpose, float[] src, int srcOff, float[] dst, int dstOff,
                                       int h, int w, long key) {
        double dy = RandomKeys.uniform(key, 0, hLo, hHi) * h;
        double dx = RandomKeys.uniform(key, 1, wLo, wHi) * w;
        warp(s, transpose, src, srcOff, dst, dstOff, 1, 0, -dx, 0, 1, -dy);
    }
}
