package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;

import java.util.Map;
import java.util.Set;

/**
 * Flips each training image left-right and/or top-bottom, each with probability 1/2, as Keras's
 * RandomFlip (mode "horizontal", "vertical" or "horizontal_and_vertical", the default). A flip is
 * a permutation that is its own inverse, so backward flips the gradient the same way.
 * Identity at inference.
 */
public final class RandomFlip extends ImageTransformLayer {
    static final Set<String> KEYS = Set.of("mode");
    public static final String HORIZONTAL = "horizontal", VERTICAL = "vertical", BOTH = "horizontal_and_vertical";

    private final String mode;
    private final boolean horizontal, vertical;

    public RandomFlip() {
        this(BOTH);
    }

    public RandomFlip(String mode) {
        this.mode = mode;
        this.horizontal = mode.equals(HORIZONTAL) || mode.equals(BOTH);
        this.vertical = mode.equals(VERTICAL) || mode.equals(BOTH);
        if (!horizontal && !vertical) {
            throw new FoveaException("RandomFlip: mode \"" + mode + "\" is not one of " + HORIZONTAL + ", " + VERTICAL + ", " + BOTH);
        }
    }

    static RandomFlip fromConfig(JsonObject c) {
        c.requireOnlyKeys(KEYS);
        return new RandomFlip(c.optionalString("mode", BOTH));
    }

    public String mode() { return mode; }

    @Override public String className() { return "RandomFlip"; }

    @Override public Map<String, Object> config() { return Map.of("mode", mode); }

    @Override public boolean isRandom() { return true; }

    @Override public Shape outputShape(Shape in) { return requireImage(in); }

    @Override public void apply(float[] x, int xOff, float[] y, int yOff, Shape in, long key) {
        int h = in.dim(0), w = in.dim(1), c = in.dim(2), row = w * c;
        boolean flipH = horizontal && RandomKeys.uniform(key, 0) < 0.5;
        boolean flipV = vertical && RandomKeys.uniform(key, 1) < 0.5;
        for (int oy = 0; oy < h; oy++) {
            int src = xOff + (flipV ? h - 1 - oy : oy) * row, dst = yOff + oy * row;
            if (!flipH) {
                System.arraycopy(x, src, y, dst, row);
                continue;
            }
            for (int ox = 0; ox < w; ox++) {
                int s = src + (w - 1 - ox) * c, d = dst + ox * c;
                for (int k = 0; k < c; k++) y[d + k] = x[s + k];
            }
        }
    }

    @Override protected void applyTranspose(float[] dy, int dyOff, float[] dx, int dxOff, Shape in, long key) {
        apply(dy, dyOff, dx, dxOff, in, key);
    }
}
