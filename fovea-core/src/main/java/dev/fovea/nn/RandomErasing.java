package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Random Erasing (Zhong, Zheng, Kang, Li and Yang, "Random Erasing Data Augmentation",
 * arXiv:1708.04896, 2017; AAAI 2020): with probability p, one rectangle of each training image
 * is overwritten, its area a uniform fraction of the image in area_range and its aspect ratio
 * (height / width) in aspect_range; up to ten rectangles are proposed and the first that fits is
 * used, otherwise the image is left alone. Defaults are the paper's: p 0.5, area [0.02, 0.4],
 * aspect [0.3, 1/0.3], fill "random" (uniform values in [0, 1] per pixel and channel), or a
 * number to fill with. As torchvision's implementation, the aspect ratio is drawn log-uniformly,
 * so r and 1/r are equally likely, and the position uniformly among those where the rectangle fits.
 *
 * <p>Keras 3 has a RandomErasing layer with other parameters (factor, scale, fill_value,
 * value_range); this one keeps the paper's. Erased pixels do not depend on the input, so their
 * gradient is zero; the rest passes through. Identity at inference.
 */
public final class RandomErasing extends ImageTransformLayer {
    static final Set<String> KEYS = Set.of("probability", "area_range", "aspect_range", "value");
    private static final int ATTEMPTS = 10;
    private static final int FIRST_VALUE_DRAW = 1 + 4 * ATTEMPTS;
    private static final long NONE = -1;

    private final double probability;
    private final double areaLo, areaHi, aspectLo, aspectHi;
    private final Float value;   // null: random values

    /** The paper's settings: probability 0.5, area [0.02, 0.4], aspect [0.3, 3.33], random values. */
    public RandomErasing() {
        this(0.5, 0.02, 0.4, 0.3, 1 / 0.3, null);
    }

    /** value: the fill, or null for uniform random values in [0, 1]. */
    public RandomErasing(double probability, double areaLo, double areaHi, double aspectLo, double aspectHi, Double value) {
        if (!(probability >= 0 && probability <= 1)) throw new FoveaException("RandomErasing: probability must be in [0, 1], got " + probability);
        if (!(areaLo > 0 && areaLo <= areaHi && areaHi <= 1)) {
            throw new FoveaException("RandomErasing: area_range must satisfy 0 < lower <= upper <= 1, got [" + areaLo + ", " + areaHi + "]");
        }
        if (!(aspectLo > 0 && aspectLo <= aspectHi && Double.isFinite(aspectHi))) {
            throw new FoveaException("RandomErasing: aspect_range must satisfy 0 < lower <= upper, got [" + aspectLo + ", " + aspectHi + "]");
        }
        if (value != null && !Double.isFinite(value)) throw new FoveaException("RandomErasing: value must be finite or \"random\", got " + value);
        this.probability = probability;
        this.areaLo = areaLo;
        this.areaHi = areaHi;
        this.aspectLo = aspectLo;
        this.aspectHi = aspectHi;
        this.value = value == null ? null : value.floatValue();
    }

    static RandomErasing fromConfig(JsonObject c) {
        c.requireOnlyKeys(KEYS);
        double[] area = c.optionalRange("area_range", new double[] {0.02, 0.4}, false);
        double[] aspect = c.optionalRange("aspect_range", new double[] {0.3, 1 / 0.3}, false);
        Double value = null;
        Object v = c.get("value");
        if (v instanceof Number) value = c.requireDouble("value");
        else if (v != null && !"random".equals(v)) throw c.error("value", "must be a number or \"random\", got " + v);
        return new RandomErasing(c.optionalDouble("probability", 0.5), area[0], area[1], aspect[0], aspect[1], value);
    }

    @Override public String className() { return "RandomErasing"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("probability", probability);
        m.put("area_range", List.of(areaLo, areaHi));
        m.put("aspect_range", List.of(aspectLo, aspectHi));
        m.put("value", value == null ? "random" : (Object) (double) value);
        return m;
    }

    @Override public boolean isRandom() { return true; }

    @Override public Shape outputShape(Shape in) { return requireImage(in); }

    @Override public void apply(float[] x, int xOff, float[] y, int yOff, Shape in, long key) {
        int size = in.size();
        System.arraycopy(x, xOff, y, yOff, size);
        long r = rectangle(key, in.dim(0), in.dim(1));
        if (r == NONE) return;
        int top = (int) (r >>> 48), left = (int) (r >>> 32) & 0xFFFF, eh = ((int) (r >>> 16) & 0xFFFF) + 1, ew = ((int) r & 0xFFFF) + 1;
        int w = in.dim(1), c = in.dim(2);
        for (int i = top; i < top + eh; i++) {
            int p = (i * w + left) * c;
            for (int j = 0; j < ew * c; j++, p++) {
                y[yOff + p] = value != null ? value : (float) RandomKeys.uniform(key, FIRST_VALUE_DRAW + p);
            }
        }
    }

    @Override protected void applyTranspose(float[] dy, int dyOff, float[] dx, int dxOff, Shape in, long key) {
        System.arraycopy(dy, dyOff, dx, dxOff, in.size());
        long r = rectangle(key, in.dim(0), in.dim(1));
        if (r == NONE) return;
        int top = (int) (r >>> 48), left = (int) (r >>> 32) & 0xFFFF, eh = ((int) (r >>> 16) & 0xFFFF) + 1, ew = ((int) r & 0xFFFF) + 1;
        int w = in.dim(1), c = in.dim(2);
        for (int i = top; i < top + eh; i++) {
            int p = dxOff + (i * w + left) * c;
            java.util.Arrays.fill(dx, p, p + ew * c, 0f);
        }
    }

    /**
     * The rectangle of this key, packed as 16-bit fields top, left, height-1, width-1 (image sides
     * are at most 65536), or NONE. Draw 0 decides whether to erase; attempt a uses draws 1+4a to 4+4a.
     */
    private long rectangle(long key, int h, int w) {
        if (!(RandomKeys.uniform(key, 0) < probability)) return NONE;
        double logLo = Math.log(aspectLo), logHi = Math.log(aspectHi);
        for (int a = 0; a < ATTEMPTS; a++) {
            int d = 1 + 4 * a;
            double area = RandomKeys.uniform(key, d, areaLo, areaHi) * h * w;
            double aspect = Math.exp(RandomKeys.uniform(key, d + 1, logLo, logHi));
            int eh = (int) Math.round(Math.sqrt(area * aspect)), ew = (int) Math.round(Math.sqrt(area / aspect));
            if (eh < 1 || ew < 1 || eh > h || ew > w) continue;
            int top = (int) (RandomKeys.uniform(key, d + 2) * (h - eh + 1));
            int left = (int) (RandomKeys.uniform(key, d + 3) * (w - ew + 1));
            return ((long) top << 48) | ((long) left << 32) | ((long) (eh - 1) << 16) | (ew - 1);
        }
        return NONE;
    }
}
