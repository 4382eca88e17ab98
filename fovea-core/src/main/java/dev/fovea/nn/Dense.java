package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.tensor.Buffer;
import dev.fovea.FoveaException;
import dev.fovea.ops.DenseOp;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Fully connected layer, as Keras's Dense: input (N, I), kernel (I, units), output (N, units). */
public final class Dense extends ActivatedLayer {
    /** The layer's configuration in Keras terms. */
    public record Config(int units, Activation activation, boolean useBias) {
        public Config {
            if (units < 1) throw new FoveaException("Dense: units must be >= 1, got " + units);
        }
    }

    private final Config config;
    private Parameter kernel;
    private Parameter bias;

    /** Per-call state (see {@link Workspace}): the op with its scratch, dx, and the input backward reads. */
    private static final class Scratch {
        final DenseOp op = new DenseOp();
        final Buffer dxBuf = new Buffer();
        Tensor lastInput;
    }

    public Dense(Config config) {
        super(config.activation());
        this.config = config;
    }

    public Dense(int units, String activation) {
        this(new Config(units, Activation.parse(activation, "Dense"), true));
    }

    public Dense(int units) {
        this(units, "linear");
    }

    public Config settings() { return config; }

    @Override public String className() { return "Dense"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("units", config.units);
        m.put("activation", config.activation.keras());
        m.put("use_bias", config.useBias);
        return m;
    }

    static Dense fromConfig(JsonObject c) {
        c.requireOnlyKeys("units", "activation", "use_bias");
        return new Dense(new Config(c.requirePositiveInt("units"),
                Activation.parse(c.optionalString("activation", "linear"), c.location()), c.optionalBoolean("use_bias", true)));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        if (in.rank() != 1) {
            throw new FoveaException("layer " + name() + " (Dense) needs a flat input (features,), got " + in
                    + "; add a Flatten layer before it");
        }
        Tensor k = Tensor.zeros(in.dim(0), config.units);
        Initializers.glorotUniform(k.data(), in.dim(0), config.units, rng);
        kernel = addParameter("kernel", k, Parameter.Role.KERNEL);
        bias = config.useBias ? addParameter("bias", Tensor.zeros(config.units), Parameter.Role.BIAS) : null;
        return Shape.of(config.units);
    }

    /** Forward FLOPs per example: 2 · inputs · units. */
    @Override public long forwardFlops() { return 2L * inputShape().dim(0) * config.units; }

    /** The product applies ReLU to each thread's columns while they are in cache. */
    @Override protected boolean linearAppliesActivation() { return activation() == Activation.RELU; }

    @Override protected void linearForward(Tensor z, Tensor x, ForwardContext ctx) {
        Scratch s = scratch(Scratch::new);
        s.lastInput = x;
        s.op.forward(z.data(), x.data(), kernel.value().data(), bias == null ? null : bias.value().data(),
                linearAppliesActivation(), x.dim(0), inputShape().dim(0), config.units);
    }

    @Override public Tensor backwardLinear(Tensor dz, boolean needInputGrad) {
        Scratch s = scratch(Scratch::new);
        Tensor lastInput = s.lastInput;
        Tensor dx = needInputGrad ? s.dxBuf.get(lastInput.shape()) : null;
        // A lazily cleared gradient is overwritten outright (see Parameter.takeGradForOverwrite).
        boolean setKernel = kernel.takeGradForOverwrite(), setBias = bias != null && bias.takeGradForOverwrite();
        s.op.backward(dx == null ? null : dx.data(), kernel.grad().data(), bias == null ? null : bias.grad().data(),
                dz.data(), lastInput.data(), kernel.value().data(), lastInput.dim(0), inputShape().dim(0), config.units,
                setKernel, setBias);
        return dx;
    }
}
