package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * A layer reading several inputs (Add, Concatenate, ...). It implements the multi-input forms of
 * build, forward and backward; the single-input forms are refused.
 */
public abstract class MergeLayer extends Layer {
    @Override protected abstract Shape doBuild(Shape[] inputShapes, SplittableRandom rng);

    @Override public abstract Tensor forward(Tensor[] inputs, ForwardContext ctx);

    @Override public abstract void backward(Tensor dy, boolean[] needInputGrad, Tensor[] dInputs);

    @Override public int arity() { return -1; }

    @Override protected final Shape doBuild(Shape inputShape, SplittableRandom rng) {
        throw new FoveaException("layer " + name() + " (" + className() + ") needs several inputs");
    }

    @Override public final Tensor forward(Tensor x, ForwardContext ctx) {
        throw new FoveaException("layer " + name() + " (" + className() + ") needs several inputs");
    }

    @Override public final Tensor backward(Tensor dy, boolean needInputGrad) {
        throw new IllegalStateException("layer " + name() + " (" + className() + ") needs several inputs");
    }
}
