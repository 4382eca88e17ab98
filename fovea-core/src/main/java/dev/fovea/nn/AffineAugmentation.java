package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The common part of RandomTranslation, RandomRotation and RandomZoom: each draws an affine map
 * per example from its key and resamples the image through it (see {@link AffineSampler}), with
 * Keras's fill_mode, fill_value and interpolation ("bilinear" or "nearest").
 */
public abstract class AffineAugmentation extends ImageTransformLayer {
    /** What every affine augmentation shares; Keras's defaults are reflect, 0.0 and bilinear. */
    public record Fill(FillMode mode, float value, boolean nearest) {
        public static final Fill DEFAULT = new Fill(FillMode.REFLECT, 0f, false);

        public Fill {
            if (!Float.isFinite(value)) throw new FoveaException("fill_value must be finite, got " + value);
        }

        String interpolation() { return nearest ? "nearest" : "bilinear"; }
    }

    private final Fill fill;
    private volatile AffineSampler sampler;   // for the last image shape seen; immutable, so shared freely

    protected AffineAugmentation(Fill fill) {
        this.fill = fill;
    }

    public Fill fill() { return fill; }

    /** The same layer (and name) with other fill settings. */
    protected abstract AffineAugmentation withFill(Fill newFill);

    /** Keras's fill_mode: "reflect" (default), "wrap", "nearest" or "constant". */
    public <T extends AffineAugmentation> T fillMode(String mode) {
        return copy(new Fill(FillMode.parse(mode, className()), fill.value(), fill.nearest()));
    }

    /** Keras's fill_value: what "constant" mode fills with (default 0). */
    public <T extends AffineAugmentation> T fillValue(double value) {
        return copy(new Fill(fill.mode(), (float) value, fill.nearest()));
    }

    /** Keras's interpolation: "bilinear" (default) or "nearest". */
    public <T extends AffineAugmentation> T interpolation(String interpolation) {
        return copy(new Fill(fill.mode(), fill.value(), parseInterpolation(interpolation, className())));
    }

    @SuppressWarnings("unchecked")
    private <T extends AffineAugmentation> T copy(Fill f) {
        AffineAugmentation l = withFill(f);
        return (T) (name() == null ? l : l.named(name()));
    }

    /**
     * Draws the map of one example: calls {@code warp} (forward) or {@code warpTranspose}
     * (backward) with its six coefficients, output pixel coordinates to input ones.
     */
    protected abstract void transform(AffineSampler s, boolean transpose, float[] src, int srcOff, float[] dst, int dstOff,
                                      int h, int w, long key);

    @Override public boolean isRandom() { return true; }

    @Override public Shape outputShape(Shape in) { return requireImage(in); }

    @Override public void apply(float[] x, int xOff, float[] y, int yOff, Shape in, long key) {
        transform(sampler(in), false, x, xOff, y, yOff, in.dim(0), in.dim(1), key);
    }

    @Override protected void applyTranspose(float[] dy, int dyOff, float[] dx, int dxOff, Shape in, long key) {
        transform(sampler(in), true, dy, dyOff, dx, dxOff, in.dim(0), in.dim(1), key);
    }

    /** Runs the sampler one way or the other; subclasses call it from {@link #transform}. */
    protected static void warp(AffineSampler s, boolean transpose, float[] src, int srcOff, float[] dst, int dstOff,
                               double a00, double a01, double a02, double a10, double a11, double a12) {
        if (transpose) s.transpose(src, srcOff, dst, dstOff, a00, a01, a02, a10, a11, a12);
        else s.sample(src, srcOff, dst, dstOff, a00, a01, a02, a10, a11, a12);
    }

    private AffineSampler sampler(Shape in) {
        AffineSampler s = sampler;
        if (s == null || !s.fits(in.dim(0), in.dim(1), in.dim(2))) {
            s = new AffineSampler(in.dim(0), in.dim(1), in.dim(2), fill.mode(), fill.value(), fill.nearest());
            sampler = s;
        }
        return s;
    }

    /** The config keys every affine augmentation adds after its factors. */
    protected final Map<String, Object> fillConfig(Map<String, Object> m) {
        m.put("fill_mode", fill.mode().kerasName());
        m.put("interpolation", fill.interpolation());
        m.put("fill_value", (double) fill.value());
        return m;
    }

    protected static Map<String, Object> map() { return new LinkedHashMap<>(); }

    /** Reads fill_mode, interpolation and fill_value (Keras's defaults when absent). */
    static Fill readFill(JsonObject c) {
        String where = c.location();
        FillMode mode = FillMode.parse(c.optionalString("fill_mode", "reflect"), where);
        boolean nearest = parseInterpolation(c.optionalString("interpolation", "bilinear"), where);
        return new Fill(mode, c.optionalFloat("fill_value", 0f), nearest);
    }

    /** True for "nearest", false for "bilinear". */
    private static boolean parseInterpolation(String s, String where) {
        if (s.equals("bilinear") || s.equals("nearest")) return s.equals("nearest");
        throw new FoveaException(where + ": interpolation \"" + s + "\" is not one of bilinear, nearest");
    }
}
