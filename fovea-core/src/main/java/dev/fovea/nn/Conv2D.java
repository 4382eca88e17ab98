package dev.fovea.nn;

import dev.fovea.tensor.Buffer;
import dev.fovea.FoveaException;
import dev.fovea.ops.Conv2DOp;
import dev.fovea.ops.Padding;
import dev.fovea.ops.WindowGeometry;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * 2-D convolution layer, as Keras's Conv2D: {@code filters} feature maps from a
 * {@code kernelSize} window slid with {@code strides}, "valid" or "same" padding, optional bias,
 * then the activation. Input (N, H, W, C), kernel (KH, KW, C, filters), output (N, OH, OW, filters).
 */
public final class Conv2D extends ActivatedLayer {
    /** The layer's configuration in Keras terms. */
    public record Config(int filters, int kernelH, int kernelW, int strideH, int strideW,
                         Padding padding, Activation activation, boolean useBias) {
        public Config {
            if (filters < 1) throw new FoveaException("Conv2D: filters must be >= 1, got " + filters);
            if (kernelH < 1 || kernelW < 1) throw new FoveaException("Conv2D: kernel_size must be >= 1, got " + kernelH + "x" + kernelW);
            if (strideH < 1 || strideW < 1) throw new FoveaException("Conv2D: strides must be >= 1, got " + strideH + "x" + strideW);
        }
    }

    private final Config config;
    private final Conv2DOp op = new Conv2DOp();
    private final Buffer dxBuf = new Buffer();
    private Parameter kernel;
    private Parameter bias;
    private WindowGeometry geometry;
    private Tensor lastInput;

    public Conv2D(Config config) {
        super(config.activation());
        this.config = config;
    }

    /** Conv2D(filters, kernel_size, activation=...) with strides 1, "valid" padding and a bias. */
    public Conv2D(int filters, int kernelSize, String activation) {
        this(new Config(filters, kernelSize, kernelSize, 1, 1, Padding.VALID, Activation.parse(activation, "Conv2D"), true));
    }

    public Conv2D(int filters, int kernelSize) {
        this(filters, kernelSize, "linear");
    }

    public Conv2D strides(int s) { return strides(s, s); }
    public Conv2D strides(int sh, int sw) {
        return copy(new Config(config.filters, config.kernelH, config.kernelW, sh, sw, config.padding, config.activation, config.useBias));
    }
    public Conv2D padding(String padding) {
        return copy(new Config(config.filters, config.kernelH, config.kernelW, config.strideH, config.strideW,
                Padding.parse(padding, "Conv2D"), config.activation, config.useBias));
    }
    public Conv2D kernelSize(int kh, int kw) {
        return copy(new Config(config.filters, kh, kw, config.strideH, config.strideW, config.padding, config.activation, config.useBias));
    }
    public Conv2D useBias(boolean useBias) {
        return copy(new Config(config.filters, config.kernelH, config.kernelW, config.strideH, config.strideW, config.padding, config.activation, useBias));
    }

    private Conv2D copy(Config c) {
        Conv2D l = new Conv2D(c);
        return name() == null ? l : l.named(name());
    }

    public Config settings() { return config; }

    @Override public String className() { return "Conv2D"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filters", config.filters);
        m.put("kernel_size", List.of(config.kernelH, config.kernelW));
        m.put("strides", List.of(config.strideH, config.strideW));
        m.put("padding", config.padding.keras());
        m.put("activation", config.activation.keras());
        m.put("use_bias", config.useBias);
        return m;
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        if (in.rank() != 3) {
            throw new FoveaException("layer " + name() + " (Conv2D) needs input (height, width, channels), got " + in);
        }
        int c = in.dim(2);
        geometry = WindowGeometry.of(in.dim(0), in.dim(1), config.kernelH, config.kernelW,
                config.strideH, config.strideW, config.padding, "layer " + name() + " (Conv2D)");
        Tensor k = Tensor.zeros(config.kernelH, config.kernelW, c, config.filters);
        int receptive = config.kernelH * config.kernelW;
        Initializers.glorotUniform(k.data(), receptive * c, receptive * config.filters, rng);
        kernel = addParameter("kernel", k);
        bias = config.useBias ? addParameter("bias", Tensor.zeros(config.filters)) : null;
        return Shape.of(geometry.outH(), geometry.outW(), config.filters);
    }

    /** The convolution applies ReLU to each output tile while it is in cache. */
    @Override protected boolean linearAppliesActivation() { return activation() == Activation.RELU; }

    @Override protected void linearForward(Tensor z, Tensor x, ForwardContext ctx) {
        lastInput = x;
        // At inference the kernel's version lets the op keep a transformed copy (Winograd) across calls.
        op.forward(z.data(), x.data(), kernel.value().data(), ctx.training() ? -1 : kernel.version(),
                bias == null ? null : bias.value().data(), linearAppliesActivation(), x.dim(0), inputShape().dim(2), config.filters, geometry);
    }

    @Override public Tensor backwardLinear(Tensor dz, boolean needInputGrad) {
        Tensor dx = needInputGrad ? dxBuf.get(lastInput.shape()) : null;
        // A lazily cleared gradient is overwritten outright (see Parameter.takeGradForOverwrite).
        boolean setKernel = kernel.takeGradForOverwrite(), setBias = bias != null && bias.takeGradForOverwrite();
        op.backward(dx == null ? null : dx.data(), kernel.grad().data(), bias == null ? null : bias.grad().data(),
                dz.data(), kernel.value().data(), lastInput.dim(0), inputShape().dim(2), config.filters, geometry,
                setKernel, setBias);
        return dx;
    }
}
