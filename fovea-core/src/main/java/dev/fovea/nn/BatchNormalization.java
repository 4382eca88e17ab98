package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.ops.BatchNormOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Batch normalization, as Keras's BatchNormalization: in training, normalizes each channel of
 * {@code axis} with the batch's mean and variance and moves moving_mean/moving_variance towards
 * them with {@code momentum}; at inference uses the moving statistics. Parameters gamma and beta
 * (when scale and center), moving_mean and moving_variance (updated by forward, never by the
 * optimizer: their gradient stays zero). Defaults as Keras: axis -1, momentum 0.99, epsilon 1e-3.
 */
public final class BatchNormalization extends Layer {
    /** The configuration in Keras's terms; axis counts the batch axis. */
    public record Config(int axis, double momentum, double epsilon, boolean center, boolean scale) {
        public Config {
            if (!(momentum >= 0 && momentum <= 1)) throw new dev.fovea.FoveaException("BatchNormalization: momentum must be in [0, 1], got " + momentum);
            if (!(epsilon > 0) || Double.isInfinite(epsilon)) throw new dev.fovea.FoveaException("BatchNormalization: epsilon must be > 0, got " + epsilon);
        }
    }

    private final Config config;

    /** Per-call state (see {@link Workspace}): the op (its statistics of the last forward), buffers, the input. */
    private static final class Scratch {
        final BatchNormOp op = new BatchNormOp();
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        Tensor lastInput;
    }
    private Parameter gamma, beta, movingMean, movingVariance;
    private int outerPerExample, channels, inner;

    public BatchNormalization(Config config) {
        this.config = config;
    }

    /** Keras's defaults: axis -1, momentum 0.99, epsilon 0.001, center and scale. */
    public BatchNormalization() {
        this(new Config(-1, 0.99, 1e-3, true, true));
    }

    public Config settings() { return config; }

    @Override public String className() { return "BatchNormalization"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("axis", config.axis);
        m.put("momentum", config.momentum);
        m.put("epsilon", config.epsilon);
        m.put("center", config.center);
        m.put("scale", config.scale);
        return m;
    }

    static BatchNormalization fromConfig(JsonObject c) {
        c.requireOnlyKeys("axis", "momentum", "epsilon", "center", "scale");
        return new BatchNormalization(new Config(c.optionalInt("axis", -1, -64, 64), c.optionalDouble("momentum", 0.99),
                c.optionalDouble("epsilon", 1e-3), c.optionalBoolean("center", true), c.optionalBoolean("scale", true)));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        int a = Axes.perExample(config.axis, in, "layer " + name() + " (BatchNormalization)");
        outerPerExample = Axes.product(in, 0, a);
        channels = in.dim(a);
        inner = Axes.product(in, a + 1, in.rank());
        gamma = config.scale ? addParameter("gamma", filled(channels, 1f), Parameter.Role.OTHER) : null;
        beta = config.center ? addParameter("beta", Tensor.zeros(channels), Parameter.Role.BIAS) : null;
        movingMean = addParameter("moving_mean", Tensor.zeros(channels), Parameter.Role.STATE);
        movingVariance = addParameter("moving_variance", filled(channels, 1f), Parameter.Role.STATE);
        return in;
    }

    private static Tensor filled(int n, float v) {
        Tensor t = Tensor.zeros(n);
        t.fill(v);
        return t;
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch(Scratch::new);
        s.lastInput = x;
        Tensor out = s.outBuf.get(x.shape());
        s.op.forward(out.data(), x.data(), gamma == null ? null : gamma.value().data(), beta == null ? null : beta.value().data(),
                movingMean.value().data(), movingVariance.value().data(), x.dim(0) * outerPerExample, channels, inner,
                (float) config.epsilon, (float) config.momentum, ctx.training() && !frozen());
        if (ctx.training() && !frozen()) {
            movingMean.markChanged();
            movingVariance.markChanged();
        }
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        Scratch s = scratch(Scratch::new);
        Tensor lastInput = s.lastInput;
        Tensor dx = needInputGrad ? s.dxBuf.get(dy.shape()) : null;
        if (frozen()) {
            // A frozen layer normalises with its moving statistics, as at inference (Keras does the
            // same for fine-tuning): y is affine in x, so dx = dy · gamma / sqrt(movingVariance + eps).
            if (dx != null) frozenInputGradient(dx.data(), dy.data(), dy.dim(0) * outerPerExample);
            return dx;
        }
        s.op.backward(dx == null ? null : dx.data(), gamma == null ? null : gamma.grad().data(), beta == null ? null : beta.grad().data(),
                dy.data(), lastInput.data(), gamma == null ? null : gamma.value().data(), dy.dim(0) * outerPerExample, channels, inner);
        return dx;
    }

    /** dx (outer, channels, inner) = dy · gamma / sqrt(movingVariance + epsilon), per channel. */
    private void frozenInputGradient(float[] dx, float[] dy, int outer) {
        float[] var = movingVariance.value().data();
        float[] scale = new float[channels];
        for (int ch = 0; ch < channels; ch++) {
            scale[ch] = (float) ((gamma == null ? 1.0 : gamma.value().data()[ch]) / Math.sqrt(var[ch] + config.epsilon));
        }
        for (int o = 0, k = 0; o < outer; o++) {
            for (int ch = 0; ch < channels; ch++) {
                for (int i = 0; i < inner; i++, k++) dx[k] = dy[k] * scale[ch];
            }
        }
    }
}
