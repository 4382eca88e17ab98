package dev.fovea.nn;

import dev.fovea.ops.AvgPool2DOp;
import dev.fovea.ops.Padding;

/** Average pooling, as Keras's AveragePooling2D. */
public final class AveragePooling2D extends Pooling2D {
    public AveragePooling2D(Config config) { super(config); }

    public AveragePooling2D(int poolSize, int strides) {
        this(new Config(poolSize, poolSize, strides, strides, Padding.VALID));
    }

    public AveragePooling2D(int poolSize) { this(poolSize, poolSize); }

    public AveragePooling2D padding(String padding) {
        AveragePooling2D l = new AveragePooling2D(new Config(config.poolH(), config.poolW(), config.strideH(), config.strideW(), Padding.parse(padding, "AveragePooling2D")));
        return name() == null ? l : l.named(name());
    }

    @Override public String className() { return "AveragePooling2D"; }

    @Override protected void pool(float[] out, float[] x, int n, int c) { AvgPool2DOp.forward(out, x, n, c, geometry); }

    @Override protected void unpool(float[] dx, float[] dy, int n, int c) { AvgPool2DOp.backward(dx, dy, n, c, geometry); }
}
