package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Gives each example a new shape with the same elements in the same (row-major) order, as
 * Keras's Reshape(target_shape); one entry may be -1 (inferred). A view: no copy.
 */
public final class Reshape extends Layer {
    private final int[] target;

    public Reshape(int... targetShape) {
        int unknown = 0;
        for (int d : targetShape) {
            if (d == -1) unknown++;
            else if (d < 0) throw new FoveaException("Reshape: target_shape entries must be >= 0 or -1, got " + java.util.Arrays.toString(targetShape));
        }
        if (unknown > 1) throw new FoveaException("Reshape: at most one target_shape entry may be -1, got " + java.util.Arrays.toString(targetShape));
        this.target = targetShape.clone();
    }

    public int[] targetShape() { return target.clone(); }

    @Override public String className() { return "Reshape"; }

    @Override public Map<String, Object> config() { return Map.of("target_shape", intList(target)); }

    static Reshape fromConfig(JsonObject c) {
        c.requireOnlyKeys("target_shape");
        return new Reshape(c.requireIntArray("target_shape", -1, Integer.MAX_VALUE));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        int[] out = target.clone();
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) unknown = i;
            else known *= out[i];
        }
        boolean ok = true;
        if (unknown >= 0) {
            ok = known > 0 && in.size() % known == 0;
            if (ok) out[unknown] = (int) (in.size() / known);
            known *= out[unknown];
        }
        if (!ok || known != in.size()) {
            throw new FoveaException("layer " + name() + " (Reshape) cannot reshape " + in + " (" + in.size() + " elements) to "
                    + java.util.Arrays.toString(target));
        }
        return Shape.of(out);
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        return x.reshape(outputShape().withBatch(x.dim(0)));
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        return needInputGrad ? dy.reshape(inputShape().withBatch(dy.dim(0))) : null;
    }
}
