package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * y = x · scale + offset, as Keras's Rescaling: e.g. scale 2, offset -1 maps [0, 1] pixels to
 * [-1, 1]. Active at inference too, so the model file carries the input scaling. Backward: dy · scale.
 */
public final class Rescaling extends ImageTransformLayer {
    static final Set<String> KEYS = Set.of("scale", "offset");

    private final float scale, offset;

    public Rescaling(double scale) {
        this(scale, 0);
    }

    public Rescaling(double scale, double offset) {
        if (!Double.isFinite(scale) || !Double.isFinite(offset)) {
            throw new FoveaException("Rescaling: scale and offset must be finite, got " + scale + " and " + offset);
        }
        this.scale = (float) scale;
        this.offset = (float) offset;
    }

    static Rescaling fromConfig(JsonObject c) {
        c.requireOnlyKeys(KEYS);
        return new Rescaling(c.requireDouble("scale"), c.optionalDouble("offset", 0.0));
    }

    public float scale() { return scale; }
    public float offset() { return offset; }

    @Override public String className() { return "Rescaling"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scale", (double) scale);
        m.put("offset", (double) offset);
        return m;
    }

    @Override public boolean isRandom() { return false; }

    @Override public Shape outputShape(Shape in) { return in; }

    @Override public void apply(float[] x, int xOff, float[] y, int yOff, Shape in, long key) {
        for (int i = 0, n = in.size(); i < n; i++) y[yOff + i] = x[xOff + i] * scale + offset;
    }

    @Override protected void applyTranspose(float[] dy, int dyOff, float[] dx, int dxOff, Shape in, long key) {
        for (int i = 0, n = in.size(); i < n; i++) dx[dxOff + i] = dy[dyOff + i] * scale;
    }
}
