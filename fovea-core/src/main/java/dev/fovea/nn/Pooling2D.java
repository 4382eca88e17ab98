package dev.fovea.nn;

import dev.fovea.tensor.Buffer;
import dev.fovea.FoveaException;
import dev.fovea.ops.Padding;
import dev.fovea.ops.WindowGeometry;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What max and average pooling share: window geometry and buffers. Input (N, H, W, C), output
 * (N, OH, OW, C). Strides default to the pool size, as in Keras.
 */
public abstract sealed class Pooling2D extends Layer permits MaxPool2D, AveragePooling2D {
    /** The layer's configuration in Keras terms. */
    public record Config(int poolH, int poolW, int strideH, int strideW, Padding padding) {
        public Config {
            if (poolH < 1 || poolW < 1) throw new FoveaException("pooling: pool_size must be >= 1, got " + poolH + "x" + poolW);
            if (strideH < 1 || strideW < 1) throw new FoveaException("pooling: strides must be >= 1, got " + strideH + "x" + strideW);
        }
    }

    protected final Config config;
    private final Buffer outBuf = new Buffer();
    private final Buffer dxBuf = new Buffer();
    protected WindowGeometry geometry;
    private Shape lastInputShape;

    protected Pooling2D(Config config) {
        this.config = config;
    }

    public Config settings() { return config; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pool_size", List.of(config.poolH, config.poolW));
        m.put("strides", List.of(config.strideH, config.strideW));
        m.put("padding", config.padding.keras());
        return m;
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        if (in.rank() != 3) {
            throw new FoveaException("layer " + name() + " (" + className() + ") needs input (height, width, channels), got " + in);
        }
        geometry = WindowGeometry.of(in.dim(0), in.dim(1), config.poolH, config.poolW, config.strideH, config.strideW,
                config.padding, "layer " + name() + " (" + className() + ")");
        return Shape.of(geometry.outH(), geometry.outW(), in.dim(2));
    }

    @Override public final Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        lastInputShape = x.shape();
        Tensor out = outBuf.get(x.dim(0), outputShape());
        pool(out.data(), x.data(), x.dim(0), x.dim(3));
        return out;
    }

    @Override public final Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Tensor dx = dxBuf.get(lastInputShape);
        unpool(dx.data(), dy.data(), dy.dim(0), dy.dim(3));
        return dx;
    }

    /** out (N, OH, OW, C) from x (N, H, W, C). */
    protected abstract void pool(float[] out, float[] x, int n, int c);

    /** dx (N, H, W, C) from dy (N, OH, OW, C), overwriting dx. */
    protected abstract void unpool(float[] dx, float[] dy, int n, int c);
}
