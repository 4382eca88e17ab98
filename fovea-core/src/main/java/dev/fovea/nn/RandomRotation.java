package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rotates each training image about its centre by a random angle, as Keras's RandomRotation:
 * factor f is a fraction of a full turn, the angle drawn uniformly from [-f, f] x 2π (or from
 * [lower, upper] x 2π); positive angles turn counter-clockwise. The map is Keras's rotation
 * matrix about ((W-1)/2, (H-1)/2). Identity at inference.
 */
public final class RandomRotation extends AffineAugmentation {
    static final Set<String> KEYS = Set.of("factor", "fill_mode", "interpolation", "fill_value");

    private final double lo, hi;

    /** Angles of up to factor x 2π either way. */
    public RandomRotation(double factor) {
        this(-Math.abs(factor), Math.abs(factor), Fill.DEFAULT);
    }

    public RandomRotation(double lower, double upper, Fill fill) {
        super(fill);
        if (!(Double.isFinite(lower) && Double.isFinite(upper) && lower <= upper)) {
            throw new FoveaException("RandomRotation: factor must be finite with lower <= upper, got [" + lower + ", " + upper + "]");
        }
        this.lo = lower;
        this.hi = upper;
    }

    static RandomRotation fromConfig(JsonObject c) {
        c.requireOnlyKeys(KEYS);
        double[] f = c.requireRange("factor", true);
        return new RandomRotation(f[0], f[1], readFill(c));
    }

    @Override protected AffineAugmentation withFill(Fill f) { return new RandomRotation(lo, hi, f); }

    @Override public String className() { return "RandomRotation"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = map();
        m.put("factor", List.of(lo, hi));
        return fillConfig(m);
    }

    @Override protected void transform(AffineSampler s, boolean transpose, float[] src, int srcOff, float[] dst, int dstOff,
                                       int h, int w, long key) {
        double angle = RandomKeys.uniform(key, 0, lo, hi) * 2 * Math.PI;
        double cos = Math.cos(angle), sin = Math.sin(angle);
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        // input = centre + R(angle) (output - centre)
        warp(s, transpose, src, srcOff, dst, dstOff, cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy);
    }
}
