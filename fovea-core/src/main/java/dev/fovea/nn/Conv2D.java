package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonObject;
import dev.fovea.ops.Conv2DOp;
import dev.fovea.ops.GroupedConv2DOp;
import dev.fovea.ops.Window2D;
import dev.fovea.ops.WindowGeometry;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * 2-D convolution, as Keras's Conv2D plus what ONNX Conv and PyTorch's Conv2d add: {@code filters}
 * feature maps from a {@code kernelSize} window slid with {@code strides}, padding "valid", "same"
 * or explicit per side ({@link WindowPadding}), dilation and channel groups, optional bias, then the
 * activation. Input (N, H, W, C), kernel (KH, KW, C/groups, filters) as Keras lays out grouped
 * kernels, output (N, OH, OW, filters). Ungrouped, undilated convolutions run on {@link Conv2DOp}
 * (with ReLU fused into its output pass); the others on {@link GroupedConv2DOp}.
 *
 * <p>Files written before padding, dilation and groups joined this layer name it "PaddedConv2D";
 * they read as this layer (see {@link LayerTypes}).
 */
public final class Conv2D extends ActivatedLayer implements ConvolutionKernel {
    /** The configuration in Keras terms. */
    public record Config(int filters, int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
                         int groups, WindowPadding padding, Activation activation, boolean useBias) {
        public Config {
            if (filters < 1) throw new FoveaException("Conv2D: filters must be >= 1, got " + filters);
            if (kernelH < 1 || kernelW < 1) throw new FoveaException("Conv2D: kernel_size must be >= 1, got " + kernelH + "x" + kernelW);
            if (strideH < 1 || strideW < 1) throw new FoveaException("Conv2D: strides must be >= 1, got " + strideH + "x" + strideW);
            if (dilationH < 1 || dilationW < 1) throw new FoveaException("Conv2D: dilation_rate must be >= 1, got " + dilationH + "x" + dilationW);
            if (groups < 1 || filters % groups != 0) {
                throw new FoveaException("Conv2D: groups must be >= 1 and divide filters (" + filters + "), got " + groups);
            }
            if (padding == null) padding = WindowPadding.VALID;
            if (activation == null) activation = Activation.LINEAR;
        }

        /** filters and a square kernel; stride 1, no dilation, one group, "valid", linear, with a bias. */
        public Config(int filters, int kernelSize) {
            this(filters, kernelSize, kernelSize, 1, 1, 1, 1, 1, WindowPadding.VALID, Activation.LINEAR, true);
        }

        public Config withStrides(int sh, int sw) { return new Config(filters, kernelH, kernelW, sh, sw, dilationH, dilationW, groups, padding, activation, useBias); }
        public Config withKernelSize(int kh, int kw) { return new Config(filters, kh, kw, strideH, strideW, dilationH, dilationW, groups, padding, activation, useBias); }
        public Config withDilation(int dh, int dw) { return new Config(filters, kernelH, kernelW, strideH, strideW, dh, dw, groups, padding, activation, useBias); }
        public Config withGroups(int g) { return new Config(filters, kernelH, kernelW, strideH, strideW, dilationH, dilationW, g, padding, activation, useBias); }
        public Config withPadding(WindowPadding p) { return new Config(filters, kernelH, kernelW, strideH, strideW, dilationH, dilationW, groups, p, activation, useBias); }
        public Config withActivation(Activation a) { return new Config(filters, kernelH, kernelW, strideH, strideW, dilationH, dilationW, groups, padding, a, useBias); }
        public Config withUseBias(boolean b) { return new Config(filters, kernelH, kernelW, strideH, strideW, dilationH, dilationW, groups, padding, activation, b); }
    }

    private final Config config;
    private Parameter kernel;
    private Parameter bias;
    private Window2D window;
    private WindowGeometry plain;   // non-null when Conv2DOp runs this layer

    /** Per-call state (see {@link Workspace}): the ops with their scratch, dx, and the input backward reads. */
    private static final class Scratch {
        final Conv2DOp plainOp = new Conv2DOp();
        final GroupedConv2DOp groupedOp = new GroupedConv2DOp();
        final Buffer dxBuf = new Buffer();
        Tensor lastInput;
    }

    public Conv2D(Config config) {
        super(config.activation());
        this.config = config;
    }

    /** Conv2D(filters, kernel_size, activation=...) with strides 1, "valid" padding and a bias. */
    public Conv2D(int filters, int kernelSize, String activation) {
        this(new Config(filters, kernelSize).withActivation(Activation.parse(activation, "Conv2D")));
    }

    public Conv2D(int filters, int kernelSize) {
        this(new Config(filters, kernelSize));
    }

    public Conv2D strides(int s) { return strides(s, s); }
    public Conv2D strides(int sh, int sw) { return copy(config.withStrides(sh, sw)); }
    /** "valid" or "same". */
    public Conv2D padding(String padding) { return copy(config.withPadding(WindowPadding.parse(padding, "Conv2D"))); }
    public Conv2D padding(WindowPadding padding) { return copy(config.withPadding(padding)); }
    public Conv2D kernelSize(int kh, int kw) { return copy(config.withKernelSize(kh, kw)); }
    public Conv2D dilation(int dh, int dw) { return copy(config.withDilation(dh, dw)); }
    public Conv2D groups(int groups) { return copy(config.withGroups(groups)); }
    public Conv2D useBias(boolean useBias) { return copy(config.withUseBias(useBias)); }

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
        m.put("padding", config.padding.toJson());
        m.put("dilation_rate", List.of(config.dilationH, config.dilationW));
        m.put("groups", config.groups);
        m.put("activation", config.activation.keras());
        m.put("use_bias", config.useBias);
        return m;
    }

    /** Reads Keras's Conv2D config, and the PaddedConv2D configs of older files (explicit padding pairs). */
    static Conv2D fromConfig(JsonObject c) {
        c.requireOnlyKeys("filters", "kernel_size", "strides", "padding", "dilation_rate", "groups", "activation", "use_bias");
        int[] k = c.requireSizePair("kernel_size"), s = c.optionalSizePair("strides", new int[] {1, 1});
        int[] d = c.optionalSizePair("dilation_rate", new int[] {1, 1});
        return new Conv2D(new Config(c.requirePositiveInt("filters"), k[0], k[1], s[0], s[1], d[0], d[1],
                c.optionalInt("groups", 1, 1, Integer.MAX_VALUE), WindowPadding.read(c, "padding"),
                Activation.parse(c.optionalString("activation", "linear"), c.location()), c.optionalBoolean("use_bias", true)));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        String where = "layer " + name() + " (Conv2D)";
        if (in.rank() != 3) throw new FoveaException(where + " needs input (height, width, channels), got " + in);
        int c = in.dim(2);
        if (c % config.groups != 0) throw new FoveaException(where + ": groups " + config.groups + " must divide the input channels " + c);
        window = config.padding.window(in.dim(0), in.dim(1), config.kernelH, config.kernelW, config.strideH, config.strideW,
                config.dilationH, config.dilationW, false, where);
        plain = config.groups == 1 && config.dilationH == 1 && config.dilationW == 1 ? window.toWindowGeometry() : null;
        int cg = c / config.groups;
        Tensor k = Tensor.zeros(config.kernelH, config.kernelW, cg, config.filters);
        int receptive = config.kernelH * config.kernelW;
        Initializers.glorotUniform(k.data(), receptive * cg, receptive * config.filters / config.groups, rng);
        kernel = addParameter("kernel", k, Parameter.Role.KERNEL);
        bias = config.useBias ? addParameter("bias", Tensor.zeros(config.filters), Parameter.Role.BIAS) : null;
        return Shape.of(window.outH(), window.outW(), config.filters);
    }

    /** Forward FLOPs per image: 2 · OH · OW · KH · KW · (C / groups) · F (padded taps count). */
    @Override public long forwardFlops() {
        return 2L * window.outH() * window.outW() * config.kernelH * config.kernelW * (inputShape().dim(2) / config.groups) * config.filters;
    }

    @Override public Parameter kernel() { return kernel; }
    @Override public Parameter bias() { return bias; }
    @Override public Window2D window() { return window; }
    @Override public int filters() { return config.filters; }
    @Override public int groups() { return config.groups; }

    /** The convolution applies ReLU to each output tile while it is in cache. */
    @Override protected boolean linearAppliesActivation() { return plain != null && activation() == Activation.RELU; }

    @Override protected void linearForward(Tensor z, Tensor x, ForwardContext ctx) {
        Scratch s = scratch(Scratch::new);
        s.lastInput = x;
        float[] b = bias == null ? null : bias.value().data();
        int c = inputShape().dim(2);
        if (plain != null) {
            // At inference the kernel's version lets the op keep a transformed copy (Winograd) across calls.
            s.plainOp.forward(z.data(), x.data(), kernel.value().data(), ctx.training() ? -1 : kernel.version(), b,
                    linearAppliesActivation(), x.dim(0), c, config.filters, plain);
        } else {
            s.groupedOp.forward(z.data(), x.data(), kernel.value().data(), b, x.dim(0), c, config.filters, config.groups, window);
        }
    }

    @Override public Tensor backwardLinear(Tensor dz, boolean needInputGrad) {
        Scratch s = scratch(Scratch::new);
        Tensor lastInput = s.lastInput;
        Tensor dx = needInputGrad ? s.dxBuf.get(lastInput.shape()) : null;
        float[] dxd = dx == null ? null : dx.data();
        int c = inputShape().dim(2);
        if (plain != null) {
            // A lazily cleared gradient is overwritten outright (see Parameter.takeGradForOverwrite).
            boolean setKernel = kernel.takeGradForOverwrite(), setBias = bias != null && bias.takeGradForOverwrite();
            s.plainOp.backward(dxd, kernel.grad().data(), bias == null ? null : bias.grad().data(), dz.data(), kernel.value().data(),
                    lastInput.dim(0), c, config.filters, plain, setKernel, setBias);
        } else {
            s.groupedOp.backward(dxd, kernel.grad().data(), bias == null ? null : bias.grad().data(), dz.data(), kernel.value().data(),
                    lastInput.dim(0), c, config.filters, config.groups, window);
        }
        return dx;
    }
}
