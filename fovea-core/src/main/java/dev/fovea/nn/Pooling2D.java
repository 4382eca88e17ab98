package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonObject;
import dev.fovea.ops.Window2D;
import dev.fovea.ops.WindowGeometry;
import dev.fovea.ops.WindowPool2DOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Max and average pooling, one family: Keras's MaxPool2D and AveragePooling2D ("valid" or "same",
 * strides defaulting to the pool size) plus what ONNX MaxPool/AveragePool and PyTorch's pooling
 * add: explicit padding per side, dilation, ceil mode, and for averages whether padding counts in
 * the divisor. Input (N, H, W, C), output (N, OH, OW, C).
 *
 * <p>Keras-style windows (padding "valid"/"same", no dilation, floor mode, padding not counted)
 * run on the subclass's fast op; the others on {@link WindowPool2DOp}. Files written before this
 * family existed name the general form PaddedMaxPooling2D / PaddedAveragePooling2D; they read as
 * these layers (see {@link LayerTypes}).
 */
public abstract sealed class Pooling2D extends Layer permits MaxPool2D, AveragePooling2D {
    /** The configuration; countIncludePad is for averages only. */
    public record Config(int poolH, int poolW, int strideH, int strideW, int dilationH, int dilationW,
                         WindowPadding padding, boolean ceilMode, boolean countIncludePad) {
        public Config {
            if (poolH < 1 || poolW < 1) throw new FoveaException("pooling: pool_size must be >= 1, got " + poolH + "x" + poolW);
            if (strideH < 1 || strideW < 1) throw new FoveaException("pooling: strides must be >= 1, got " + strideH + "x" + strideW);
            if (dilationH < 1 || dilationW < 1) throw new FoveaException("pooling: dilation_rate must be >= 1, got " + dilationH + "x" + dilationW);
            if (padding == null) padding = WindowPadding.VALID;
        }

        /** Keras's pooling: pool size, strides and "valid"/"same" padding. */
        public Config(int poolH, int poolW, int strideH, int strideW, WindowPadding padding) {
            this(poolH, poolW, strideH, strideW, 1, 1, padding, false, false);
        }

        public Config withPadding(WindowPadding p) {
            return new Config(poolH, poolW, strideH, strideW, dilationH, dilationW, p, ceilMode, countIncludePad);
        }
    }

    protected final Config config;
    private Window2D window;
    protected WindowGeometry geometry;   // the fast op's geometry; null when the general op runs

    /** Per-call state (see {@link Workspace}): buffers, the op instances (their argmax arrays), the input shape. */
    protected static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        WindowPool2DOp generalOp;                                        // made on first use when the general op runs
        final dev.fovea.ops.MaxPool2DOp maxOp = new dev.fovea.ops.MaxPool2DOp();
        Shape lastInputShape;
    }

    protected Pooling2D(Config config, boolean max) {
        if (max && config.countIncludePad()) throw new FoveaException("pooling: count_include_pad applies to average pooling only");
        this.config = config;
    }

    public Config settings() { return config; }

    /** Where the window lands (built layers only). */
    public Window2D window() { return window; }

    abstract boolean isMax();

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pool_size", List.of(config.poolH, config.poolW));
        m.put("strides", List.of(config.strideH, config.strideW));
        m.put("padding", config.padding.toJson());
        // Keras's pooling has none of these; written only when they differ from its behaviour.
        if (config.dilationH != 1 || config.dilationW != 1) m.put("dilation_rate", List.of(config.dilationH, config.dilationW));
        if (config.ceilMode) m.put("ceil_mode", true);
        if (config.countIncludePad) m.put("count_include_pad", true);
        return m;
    }

    /** Reads Keras's pooling configs and the PaddedMaxPooling2D / PaddedAveragePooling2D configs of older files. */
    static Config readConfig(JsonObject c, boolean max) {
        if (max) c.requireOnlyKeys("pool_size", "strides", "padding", "dilation_rate", "ceil_mode");
        else c.requireOnlyKeys("pool_size", "strides", "padding", "dilation_rate", "ceil_mode", "count_include_pad");
        int[] p = c.optionalSizePair("pool_size", new int[] {2, 2}), s = c.optionalSizePair("strides", p);
        int[] d = c.optionalSizePair("dilation_rate", new int[] {1, 1});
        return new Config(p[0], p[1], s[0], s[1], d[0], d[1], WindowPadding.read(c, "padding"),
                c.optionalBoolean("ceil_mode", false), !max && c.optionalBoolean("count_include_pad", false));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        String where = "layer " + name() + " (" + className() + ")";
        if (in.rank() != 3) throw new FoveaException(where + " needs input (height, width, channels), got " + in);
        window = config.padding.window(in.dim(0), in.dim(1), config.poolH, config.poolW, config.strideH, config.strideW,
                config.dilationH, config.dilationW, config.ceilMode, where);
        boolean fast = config.padding.isKeras() && config.dilationH == 1 && config.dilationW == 1 && !config.ceilMode && !config.countIncludePad;
        geometry = fast ? window.toWindowGeometry() : null;
        return Shape.of(window.outH(), window.outW(), in.dim(2));
    }

    @Override public final Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch(Scratch::new);
        s.lastInputShape = x.shape();
        Tensor out = s.outBuf.get(x.dim(0), outputShape());
        if (geometry == null) generalOp(s).forward(out.data(), x.data(), x.dim(0), x.dim(3), window);
        else pool(s, out.data(), x.data(), x.dim(0), x.dim(3));
        return out;
    }

    @Override public final Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Scratch s = scratch(Scratch::new);
        Tensor dx = s.dxBuf.get(s.lastInputShape);
        if (geometry == null) generalOp(s).backward(dx.data(), dy.data(), dy.dim(0), dy.dim(3), window);
        else unpool(s, dx.data(), dy.data(), dy.dim(0), dy.dim(3));
        return dx;
    }

    private WindowPool2DOp generalOp(Scratch s) {
        if (s.generalOp == null) s.generalOp = new WindowPool2DOp(isMax(), config.countIncludePad);
        return s.generalOp;
    }

    /** Whether the fast op runs this layer (Keras-style window). */
    boolean isFast() { return geometry != null; }

    /** out (N, OH, OW, C) from x (N, H, W, C) on the fast op. */
    protected abstract void pool(Scratch s, float[] out, float[] x, int n, int c);

    /** dx (N, H, W, C) from dy (N, OH, OW, C), overwriting dx, on the fast op. */
    protected abstract void unpool(Scratch s, float[] dx, float[] dy, int n, int c);
}
