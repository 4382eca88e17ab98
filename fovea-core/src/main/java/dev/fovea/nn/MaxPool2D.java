package dev.fovea.nn;

import dev.fovea.json.JsonObject;

/** Max pooling, as Keras's MaxPool2D / MaxPooling2D: keeps the strongest response in each window. */
public final class MaxPool2D extends Pooling2D {
    private boolean reluMask;   // set by Model: the input is a ReLU output whose own backward is skipped

    public MaxPool2D(Config config) { super(config, true); }

    /** MaxPool2D(pool_size, strides), "valid" padding. */
    public MaxPool2D(int poolSize, int strides) {
        this(new Config(poolSize, poolSize, strides, strides, WindowPadding.VALID));
    }

    /** MaxPool2D(pool_size): strides default to the pool size. */
    public MaxPool2D(int poolSize) { this(poolSize, poolSize); }

    /** "valid" or "same". */
    public MaxPool2D padding(String padding) {
        MaxPool2D l = new MaxPool2D(config.withPadding(WindowPadding.parse(padding, "MaxPool2D")));
        return name() == null ? l : l.named(name());
    }

    @Override public String className() { return "MaxPooling2D"; }

    static MaxPool2D fromConfig(JsonObject c) { return new MaxPool2D(readConfig(c, true)); }

    @Override boolean isMax() { return true; }

    @Override protected void pool(Scratch s, float[] out, float[] x, int n, int c) { s.maxOp.forward(out, x, n, c, geometry); }

    @Override protected void unpool(Scratch s, float[] dx, float[] dy, int n, int c) { s.maxOp.backward(dx, dy, n, c, geometry, reluMask); }

    /** Whether backward can apply the producing layer's ReLU gradient mask (the fast op can). */
    boolean canMaskRelu() { return isFast(); }

    /** Model's switch: apply the producing layer's ReLU gradient mask here (see {@link ActivatedLayer}). */
    void reluMask(boolean mask) { this.reluMask = mask; }
}
