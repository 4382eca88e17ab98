package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.ops.AvgPool2DOp;

/** Average pooling, as Keras's AveragePooling2D (padding never counts in the divisor unless countIncludePad). */
public final class AveragePooling2D extends Pooling2D {
    public AveragePooling2D(Config config) { super(config, false); }

    public AveragePooling2D(int poolSize, int strides) {
        this(new Config(poolSize, poolSize, strides, strides, WindowPadding.VALID));
    }

    public AveragePooling2D(int poolSize) { this(poolSize, poolSize); }

    /** "valid" or "same". */
    public AveragePooling2D padding(String padding) {
        AveragePooling2D l = new AveragePooling2D(config.withPadding(WindowPadding.parse(padding, "AveragePooling2D")));
        return name() == null ? l : l.named(name());
    }

    @Override public String className() { return "AveragePooling2D"; }

    static AveragePooling2D fromConfig(JsonObject c) { return new AveragePooling2D(readConfig(c, false)); }

    @Override boolean isMax() { return false; }

    @Override protected void pool(Scratch s, float[] out, float[] x, int n, int c) { AvgPool2DOp.forward(out, x, n, c, geometry); }

    @Override protected void unpool(Scratch s, float[] dx, float[] dy, int n, int c) { AvgPool2DOp.backward(dx, dy, n, c, geometry); }
}
