package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * A trainable tensor (parameter "value") repeated for every example of the batch; its input only
 * supplies the batch size. Imported graphs use it where a constant is an operand of a layer that
 * takes node inputs (e.g. Concatenate with a fixed tensor). Registered as "Constant".
 */
public final class ConstantLayer extends Layer {
    private final Shape shape;

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
    }
    private Parameter value;

    public ConstantLayer(Shape shape) {
        this.shape = shape;
    }

    public Parameter value() { return value; }

    @Override public String className() { return "Constant"; }

    @Override public Map<String, Object> config() { return Map.of("shape", intList(shape.toArray())); }

    static ConstantLayer fromConfig(JsonObject c) {
        c.requireOnlyKeys("shape");
        return new ConstantLayer(Shape.of(c.requireIntArray("shape", 0, Integer.MAX_VALUE)));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        value = addParameter("value", Tensor.zeros(shape), Parameter.Role.OTHER);
        return shape;
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        Tensor out = scratch(Scratch::new).outBuf.get(x.dim(0), shape);
        int per = shape.size();
        for (int b = 0; b < x.dim(0); b++) System.arraycopy(value.value().data(), 0, out.data(), b * per, per);
        return out;
    }

    /** The value's gradient is the sum over the batch; the input gets none (zeros). */
    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        float[] g = value.grad().data();
        int per = shape.size();
        for (int b = 0; b < dy.dim(0); b++) {
            for (int i = 0; i < per; i++) g[i] += dy.data()[b * per + i];
        }
        if (!needInputGrad) return null;
        Tensor dx = scratch(Scratch::new).dxBuf.get(dy.dim(0), inputShape());
        dx.fill(0f);
        return dx;
    }
}
