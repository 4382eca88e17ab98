package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.ops.Window2D;
import dev.fovea.ops.WindowPool2DOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Max or average pooling with explicit padding per side, dilation and ceil mode, and (average)
 * whether padding counts in the divisor: ONNX MaxPool/AveragePool and PyTorch's pooling, which
 * Keras's "valid"/"same" pooling cannot express. Input (N, H, W, C), output (N, OH, OW, C).
 * Registered as PaddedMaxPooling2D and PaddedAveragePooling2D.
 */
public final class PaddedPooling2D extends Layer {
    /** The configuration; padding is {{top, bottom}, {left, right}}. countIncludePad is for averages only. */
    public record Config(boolean max, int poolH, int poolW, int strideH, int strideW, int dilationH, int dilationW,
                         int[][] padding, boolean ceilMode, boolean countIncludePad) {
        public Config {
            if (poolH < 1 || poolW < 1) throw new FoveaException("pooling: pool_size must be >= 1, got " + poolH + "x" + poolW);
            if (strideH < 1 || strideW < 1) throw new FoveaException("pooling: strides must be >= 1, got " + strideH + "x" + strideW);
            if (dilationH < 1 || dilationW < 1) throw new FoveaException("pooling: dilation_rate must be >= 1, got " + dilationH + "x" + dilationW);
            padding = PaddedConv2D.checkPadding(padding, "pooling");
            if (max && countIncludePad) throw new FoveaException("pooling: count_include_pad applies to average pooling only");
        }
    }

    private final Config config;
    private final WindowPool2DOp op;
    private final Buffer outBuf = new Buffer();
    private final Buffer dxBuf = new Buffer();
    private Window2D window;
    private Shape lastInputShape;

    public PaddedPooling2D(Config config) {
        this.config = config;
        this.op = new WindowPool2DOp(config.max(), config.countIncludePad());
    }

    public Config settings() { return config; }

    public Window2D window() { return window; }

    @Override public String className() { return config.max ? "PaddedMaxPooling2D" : "PaddedAveragePooling2D"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pool_size", ConfigValues.list(config.poolH, config.poolW));
        m.put("strides", ConfigValues.list(config.strideH, config.strideW));
        m.put("dilation_rate", ConfigValues.list(config.dilationH, config.dilationW));
        m.put("padding", ConfigValues.pairList(config.padding));
        m.put("ceil_mode", config.ceilMode);
        if (!config.max) m.put("count_include_pad", config.countIncludePad);
        return m;
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        String where = "layer " + name() + " (" + className() + ")";
        if (in.rank() != 3) throw new FoveaException(where + " needs input (height, width, channels), got " + in);
        window = Window2D.of(in.dim(0), in.dim(1), config.poolH, config.poolW, config.strideH, config.strideW,
                config.dilationH, config.dilationW, config.padding[0][0], config.padding[1][0], config.padding[0][1],
                config.padding[1][1], config.ceilMode, where);
        return Shape.of(window.outH(), window.outW(), in.dim(2));
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        lastInputShape = x.shape();
        Tensor out = outBuf.get(x.dim(0), outputShape());
        op.forward(out.data(), x.data(), x.dim(0), x.dim(3), window);
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Tensor dx = dxBuf.get(lastInputShape);
        op.backward(dx.data(), dy.data(), dy.dim(0), dy.dim(3), window);
        return dx;
    }
}
