package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Map;
import java.util.SplittableRandom;

/** A standalone activation, as Keras's Activation("relu") layer. */
public final class ActivationLayer extends ActivatedLayer {
    public ActivationLayer(String activation) {
        super(Activation.parse(activation, "Activation"));
    }

    public ActivationLayer(Activation activation) {
        super(activation);
    }

    @Override public String className() { return "Activation"; }

    @Override public Map<String, Object> config() { return Map.of("activation", activation().keras()); }

    static ActivationLayer fromConfig(JsonObject c) {
        c.requireOnlyKeys("activation");
        return new ActivationLayer(Activation.parse(c.requireString("activation"), c.location()));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) { return in; }

    @Override protected boolean linearIsIdentity() { return true; }

    @Override protected void linearForward(Tensor z, Tensor x, ForwardContext ctx) {
        throw new IllegalStateException("not called: the linear part is the identity");
    }

    @Override public Tensor backwardLinear(Tensor dz, boolean needInputGrad) {
        return needInputGrad ? dz : null;
    }
}
