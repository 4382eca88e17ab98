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
    private final Buffer outBuf = new Buffer();
    private final Buffer maskBuf = new Buffer();
    private final Buffer dxBuf = new Buffer();
    private Tensor mask;   // (N, ...) of the last training forward; null after an inference forward

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
        if (!ctx.training() || rate == 0f) {
            mask = null;
            return x;
        }
        Tensor out = outBuf.get(x.shape());
        mask = maskBuf.get(x.shape());
        DropoutOp.forward(out.data(), mask.data(), x.data(), x.size(), rate, ctx.rng());
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        if (mask == null) return dy;
        Tensor dx = dxBuf.get(dy.shape());
        DropoutOp.backward(dx.data(), dy.data(), mask.data(), dy.size());
        return dx;
    }
}
