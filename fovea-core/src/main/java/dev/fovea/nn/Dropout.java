package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.tensor.Buffer;
import dev.fovea.FoveaException;
import dev.fovea.ops.DropoutOp;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Map;
import java.util.SplittableRandom;

/** Dropout, as Keras: active only in training, identity at inference. */
public final class Dropout extends Layer {
    private final float rate;

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), maskBuf = new Buffer(), dxBuf = new Buffer();
        Tensor mask;   // (N, ...) of the last training forward; null after an inference forward
    }

    public Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) throw new FoveaException("Dropout: rate must be in [0, 1), got " + rate);
        this.rate = (float) rate;
    }

    public float rate() { return rate; }

    @Override public String className() { return "Dropout"; }

    @Override public boolean usesRandomness() { return rate > 0f; }

    @Override public Map<String, Object> config() { return Map.of("rate", (double) rate); }

    static Dropout fromConfig(JsonObject c) {
        c.requireOnlyKeys("rate");
        return new Dropout(c.requireDouble("rate"));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) { return in; }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch(Scratch::new);
        if (!ctx.training() || rate == 0f) {
            s.mask = null;
            return x;
        }
        Tensor out = s.outBuf.get(x.shape());
        s.mask = s.maskBuf.get(x.shape());
        DropoutOp.forward(out.data(), s.mask.data(), x.data(), x.size(), rate, ctx.rng());
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Scratch s = scratch(Scratch::new);
        if (s.mask == null) return dy;
        Tensor dx = s.dxBuf.get(dy.shape());
        DropoutOp.backward(dx.data(), dy.data(), s.mask.data(), dy.size());
        return dx;
    }
}
