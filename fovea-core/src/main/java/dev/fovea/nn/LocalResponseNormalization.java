package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.ops.LrnOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Local response normalization across channels (the last axis), as AlexNet and ONNX LRN:
 * y = x / (bias + alpha / size · Σ x²)^beta over a window of {@code size} neighbouring channels.
 */
public final class LocalResponseNormalization extends Layer {
    private final int size;
    private final float alpha, beta, bias;

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final LrnOp op = new LrnOp();
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        Tensor lastInput;
    }

    public LocalResponseNormalization(int size, double alpha, double beta, double bias) {
        if (size < 1) throw new FoveaException("LocalResponseNormalization: size must be >= 1, got " + size);
        if (!(bias > 0) && !(alpha > 0)) throw new FoveaException("LocalResponseNormalization: bias or alpha must be > 0");
        this.size = size;
        this.alpha = (float) alpha;
        this.beta = (float) beta;
        this.bias = (float) bias;
    }

    public int size() { return size; }
    public float alpha() { return alpha; }
    public float beta() { return beta; }
    public float bias() { return bias; }

    @Override public String className() { return "LocalResponseNormalization"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", size);
        m.put("alpha", (double) alpha);
        m.put("beta", (double) beta);
        m.put("bias", (double) bias);
        return m;
    }

    static LocalResponseNormalization fromConfig(JsonObject c) {
        c.requireOnlyKeys("size", "alpha", "beta", "bias");
        return new LocalResponseNormalization(c.requirePositiveInt("size"), c.optionalDouble("alpha", 1e-4),
                c.optionalDouble("beta", 0.75), c.optionalDouble("bias", 1.0));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        if (in.rank() < 1) throw new FoveaException("layer " + name() + " (LocalResponseNormalization) needs a channel axis");
        return in;
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch(Scratch::new);
        s.lastInput = x;
        Tensor out = s.outBuf.get(x.shape());
        int c = x.dim(-1);
        s.op.forward(out.data(), x.data(), x.size() / c, c, size, alpha, beta, bias);
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Scratch s = scratch(Scratch::new);
        Tensor dx = s.dxBuf.get(dy.shape());
        int c = dy.dim(-1);
        s.op.backward(dx.data(), dy.data(), s.lastInput.data(), dy.size() / c, c, size, alpha, beta);
        return dx;
    }
}
