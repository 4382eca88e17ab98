package dev.fovea.nn;

import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Map;
import java.util.SplittableRandom;

/** Flattens (N, d1, d2, ...) to (N, d1*d2*...) in row-major (channels-last) order, as Keras. A view: no copy. */
public final class Flatten extends Layer {
    private Shape lastInputShape;

    @Override public String className() { return "Flatten"; }

    @Override public Map<String, Object> config() { return Map.of(); }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) { return Shape.of(in.size()); }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        lastInputShape = x.shape();
        return x.reshape(outputShape().withBatch(x.dim(0)));
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        return needInputGrad ? dy.reshape(lastInputShape) : null;
    }
}
