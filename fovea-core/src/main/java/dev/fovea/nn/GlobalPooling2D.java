package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.ops.GlobalPool2DOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Global average or max pooling, as Keras's GlobalAveragePooling2D and GlobalMaxPooling2D:
 * (N, H, W, C) to (N, C), or (N, 1, 1, C) with keepdims.
 */
public final class GlobalPooling2D extends Layer {
    private final boolean max;
    private final boolean keepDims;

    /** Per-call state (see {@link Workspace}): the ops (their argmax arrays), buffers, the input shape. */
    private static final class Scratch {
        final GlobalPool2DOp maxOp = new GlobalPool2DOp(true), averageOp = new GlobalPool2DOp(false);
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        Shape lastInputShape;
    }

    public GlobalPooling2D(boolean max, boolean keepDims) {
        this.max = max;
        this.keepDims = keepDims;
    }

    public static GlobalPooling2D average() { return new GlobalPooling2D(false, false); }

    public static GlobalPooling2D maximum() { return new GlobalPooling2D(true, false); }

    public boolean isMax() { return max; }

    public boolean keepDims() { return keepDims; }

    @Override public String className() { return max ? "GlobalMaxPooling2D" : "GlobalAveragePooling2D"; }

    @Override public Map<String, Object> config() { return Map.of("keepdims", keepDims); }

    static GlobalPooling2D averageFromConfig(JsonObject c) {
        c.requireOnlyKeys("keepdims");
        return new GlobalPooling2D(false, c.optionalBoolean("keepdims", false));
    }

    static GlobalPooling2D maxFromConfig(JsonObject c) {
        c.requireOnlyKeys("keepdims");
        return new GlobalPooling2D(true, c.optionalBoolean("keepdims", false));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        if (in.rank() != 3) {
            throw new FoveaException("layer " + name() + " (" + className() + ") needs input (height, width, channels), got " + in);
        }
        return keepDims ? Shape.of(1, 1, in.dim(2)) : Shape.of(in.dim(2));
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch(Scratch::new);
        s.lastInputShape = x.shape();
        Tensor out = s.outBuf.get(x.dim(0), outputShape());
        (max ? s.maxOp : s.averageOp).forward(out.data(), x.data(), x.dim(0), x.dim(1) * x.dim(2), x.dim(3));
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Scratch s = scratch(Scratch::new);
        Tensor dx = s.dxBuf.get(s.lastInputShape);
        (max ? s.maxOp : s.averageOp).backward(dx.data(), dy.data(), dx.dim(0), dx.dim(1) * dx.dim(2), dx.dim(3));
        return dx;
    }
}
