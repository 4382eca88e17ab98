package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Map;
import java.util.SplittableRandom;

/** Element-wise sum of inputs of one shape, as Keras's Add (the join of a residual block). */
public final class Add extends MergeLayer {

    @Override public String className() { return "Add"; }

    @Override public Map<String, Object> config() { return Map.of(); }

    static Add fromConfig(JsonObject c) {
        c.requireOnlyKeys();
        return new Add();
    }

    @Override protected Shape doBuild(Shape[] in, SplittableRandom rng) {
        if (in.length < 2) throw new FoveaException("layer " + name() + " (Add) needs at least two inputs, got " + in.length);
        for (Shape s : in) {
            if (!s.equals(in[0])) throw new FoveaException("layer " + name() + " (Add) needs inputs of one shape, got " + in[0] + " and " + s);
        }
        return in[0];
    }

    @Override public Tensor forward(Tensor[] inputs, ForwardContext ctx) {
        Tensor out = scratch(Buffer::new).get(inputs[0].shape());
        float[] o = out.data();
        System.arraycopy(inputs[0].data(), 0, o, 0, o.length);
        for (int k = 1; k < inputs.length; k++) {
            float[] x = inputs[k].data();
            for (int i = 0; i < o.length; i++) o[i] += x[i];
        }
        return out;
    }

    /** The sum passes its gradient unchanged to every input (shared, read-only). */
    @Override public void backward(Tensor dy, boolean[] needInputGrad, Tensor[] dInputs) {
        for (int k = 0; k < dInputs.length; k++) dInputs[k] = needInputGrad[k] ? dy : null;
    }
}
