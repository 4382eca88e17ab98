package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Map;
import java.util.SplittableRandom;

/** Flattens (N, d1, d2, ...) to (N, d1*d2*...) in row-major (channels-last) order, as Keras. A view: no copy. */
public final class Flatten extends Layer {
    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        Shape lastInputShape;
        // The last two views made each way (a training batch size and an inference one alternate), reused
        // while they fit: views are immutable, and making one per call would allocate every step.
        Tensor view, olderView, gradView, olderGradView;
    }

    @Override public String className() { return "Flatten"; }

    @Override public Map<String, Object> config() { return Map.of(); }

    static Flatten fromConfig(JsonObject c) {
        c.requireOnlyKeys();
        return new Flatten();
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) { return Shape.of(in.size()); }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch(Scratch::new);
        s.lastInputShape = x.shape();
        if (!viewOf(s.view, x, outputShape())) {
            Tensor t = s.olderView;
            s.olderView = s.view;
            s.view = viewOf(t, x, outputShape()) ? t : x.reshape(outputShape().withBatch(x.dim(0)));
        }
        return s.view;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Scratch s = scratch(Scratch::new);
        if (!gradViewOf(s.gradView, dy, s.lastInputShape)) {
            Tensor t = s.olderGradView;
            s.olderGradView = s.gradView;
            s.gradView = gradViewOf(t, dy, s.lastInputShape) ? t : dy.reshape(s.lastInputShape);
        }
        return s.gradView;
    }

    private static boolean viewOf(Tensor v, Tensor x, Shape example) {
        return v != null && v.data() == x.data() && v.shape().isBatchOf(x.dim(0), example);
    }

    private static boolean gradViewOf(Tensor v, Tensor dy, Shape lastInputShape) {
        return v != null && v.data() == dy.data() && v.shape().equals(lastInputShape);
    }
}
