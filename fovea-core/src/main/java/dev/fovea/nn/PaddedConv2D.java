package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.ops.Conv2DOp;
import dev.fovea.ops.GroupedConv2DOp;
import dev.fovea.ops.Window2D;
import dev.fovea.ops.WindowGeometry;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * 2-D convolution with explicit padding per side, dilation and groups: what ONNX Conv and
 * PyTorch Conv2d describe and Keras's Conv2D cannot (its padding is only "valid" or "same").
 * Input (N, H, W, C), kernel (KH, KW, C/groups, filters) as Keras lays out grouped kernels,
 * output (N, OH, OW, filters). Ungrouped, undilated convolutions run on {@link Conv2DOp}, the
 * kernel Conv2D uses; the others on {@link GroupedConv2DOp}.
 */
public final class PaddedConv2D extends ActivatedLayer {
    /**
     * The configuration. padding is {{top, bottom}, {left, right}}, as Keras's ZeroPadding2D.
     */
    public record Config(int filters, int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
                         int groups, int[][] padding, Activation activation, boolean useBias) {
        public Config {
            if (filters < 1) throw new FoveaException("PaddedConv2D: filters must be >= 1, got " + filters);
            if (kernelH < 1 || kernelW < 1) throw new FoveaException("PaddedConv2D: kernel_size must be >= 1, got " + kernelH + "x" + kernelW);
            if (strideH < 1 || strideW < 1) throw new FoveaException("PaddedConv2D: strides must be >= 1, got " + strideH + "x" + strideW);
            if (dilationH < 1 || dilationW < 1) throw new FoveaException("PaddedConv2D: dilation_rate must be >= 1, got " + dilationH + "x" + dilationW);
            if (groups < 1 || filters % groups != 0) {
                throw new FoveaException("PaddedConv2D: groups must be >= 1 and divide filters (" + filters + "), got " + groups);
            }
            padding = checkPadding(padding, "PaddedConv2D");
            activation = activation == null ? Activation.LINEAR : activation;
        }
    }

    private final Config config;
    private final Conv2DOp plainOp = new Conv2DOp();
    private final GroupedConv2DOp groupedOp = new GroupedConv2DOp();
    private final Buffer dxBuf = new Buffer();
    private Parameter kernel;
    private Parameter bias;
    private Window2D window;
    private WindowGeometry plain;   // non-null when Conv2DOp can run this layer
    private Tensor lastInput;

    public PaddedConv2D(Config config) {
        super(config.activation());
        this.config = config;
    }

    /** filters, a square kernel, stride 1, no dilation, one group, the same padding on every side. */
    public PaddedConv2D(int filters, int kernelSize, int pad, String activation) {
        this(new Config(filters, kernelSize, kernelSize, 1, 1, 1, 1, 1, new int[][] {{pad, pad}, {pad, pad}},
                Activation.parse(activation, "PaddedConv2D"), true));
    }

    static int[][] checkPadding(int[][] p, String where) {
        if (p == null || p.length != 2 || p[0].length != 2 || p[1].length != 2) {
            throw new FoveaException(where + ": padding must be [[top, bottom], [left, right]]");
        }
        for (int[] q : p) {
            if (q[0] < 0 || q[1] < 0) throw new FoveaException(where + ": padding must be >= 0, got " + java.util.Arrays.deepToString(p));
        }
        return new int[][] {p[0].clone(), p[1].clone()};
    }

    public Config settings() { return config; }

    @Override public String className() { return "PaddedConv2D"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filters", config.filters);
        m.put("kernel_size", ConfigValues.list(config.kernelH, config.kernelW));
        m.put("strides", ConfigValues.list(config.strideH, config.strideW));
        m.put("dilation_rate", ConfigValues.list(config.dilationH, config.dilationW));
        m.put("groups", config.groups);
        m.put("padding", ConfigValues.pairList(config.padding));
        m.put("activation", config.activation.keras());
        m.put("use_bias", config.useBias);
        return m;
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        String where = "layer " + name() + " (PaddedConv2D)";
        if (in.rank() != 3) throw new FoveaException(where + " needs input (height, width, channels), got " + in);
        int c = in.dim(2);
        if (c % config.groups != 0) throw new FoveaException(where + ": groups " + config.groups + " must divide the input channels " + c);
        window = Window2D.of(in.dim(0), in.dim(1), config.kernelH, config.kernelW, config.strideH, config.strideW,
                config.dilationH, config.dilationW, config.padding[0][0], config.padding[1][0], config.padding[0][1],
                config.padding[1][1], false, where);
        plain = config.groups == 1 && config.dilationH == 1 && config.dilationW == 1 ? window.toWindowGeometry() : null;
        int cg = c / config.groups;
        Tensor k = Tensor.zeros(config.kernelH, config.kernelW, cg, config.filters);
        int receptive = config.kernelH * config.kernelW;
        Initializers.glorotUniform(k.data(), receptive * cg, receptive * config.filters / config.groups, rng);
        kernel = addParameter("kernel", k);
        bias = config.useBias ? addParameter("bias", Tensor.zeros(config.filters)) : null;
        return Shape.of(window.outH(), window.outW(), config.filters);
    }

    /** The window geometry (built layers only). */
    public Window2D window() { return window; }

    @Override protected void linearForward(Tensor z, Tensor x, ForwardContext ctx) {
        lastInput = x;
        float[] b = bias == null ? null : bias.value().data();
        int c = inputShape().dim(2);
        if (plain != null) {
            plainOp.forward(z.data(), x.data(), kernel.value().data(), ctx.training() ? -1 : kernel.version(), b, false,
                    x.dim(0), c, config.filters, plain);
        } else {
            groupedOp.forward(z.data(), x.data(), kernel.value().data(), b, x.dim(0), c, config.filters, config.groups, window);
        }
    }

    @Override public Tensor backwardLinear(Tensor dz, boolean needInputGrad) {
        Tensor dx = needInputGrad ? dxBuf.get(lastInput.shape()) : null;
        float[] dxd = dx == null ? null : dx.data();
        float[] db = bias == null ? null : bias.grad().data();
        int c = inputShape().dim(2);
        if (plain != null) {
            plainOp.backward(dxd, kernel.grad().data(), db, dz.data(), kernel.value().data(), lastInput.dim(0), c, config.filters, plain);
        } else {
            groupedOp.backward(dxd, kernel.grad().data(), db, dz.data(), kernel.value().data(), lastInput.dim(0), c,
                    config.filters, config.groups, window);
        }
        return dx;
    }
}
