package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * A preprocessing or augmentation layer: an {@link ExampleTransform} applied to every example of
 * a batch, in parallel over the batch. Random transforms (augmentation) run only in training and
 * pass their input through unchanged at inference, as Keras's do; deterministic ones
 * (Rescaling, Normalization) always run, so a saved model carries its input preprocessing.
 *
 * <p>In training, one value is drawn from the trainer's seeded generator per batch and example i
 * gets the key {@code RandomKeys.child(draw, i)}: the batch's result does not depend on how the
 * batch is split over threads.
 *
 * <p>Backward applies the transpose of the transform's linear part with the same keys (exact for
 * these layers, which are linear in the input for fixed randomness). Placed first in a model the
 * layer is asked for no input gradient and does no work; {@link Graph#backwardToInput} still gets
 * the correct one.
 */
public abstract class ImageTransformLayer extends Layer implements ExampleTransform {
    /** Random transforms need the trainer's per-step generator, as Dropout does. */
    @Override public boolean usesRandomness() { return isRandom(); }

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        boolean transformed;   // the last forward applied the transform (false: passed x through)
        long batchKey;
    }

    /**
     * Writes the transpose of the linear part of {@code apply(., key)} applied to dy (one example
     * of the output) into dx (one example of the input), overwriting dx's region.
     */
    protected abstract void applyTranspose(float[] dy, int dyOff, float[] dx, int dxOff, Shape in, long key);

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        return outputShape(in);
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch(Scratch::new);
        if (isRandom() && !ctx.training()) {
            s.transformed = false;
            return x;
        }
        if (isRandom()) {
            if (ctx.rng() == null) {
                throw new FoveaException("layer " + name() + " (" + className() + "): training needs the trainer's seeded generator"
                        + " (ForwardContext.training(rng)), got none");
            }
            s.batchKey = ctx.rng().nextLong();
        }
        s.transformed = true;
        Shape in = inputShape();
        Tensor y = s.outBuf.get(outputShape().withBatch(x.dim(0)));
        int inSize = in.size(), outSize = outputShape().size();
        float[] xd = x.data(), yd = y.data();
        long key = s.batchKey;
        Parallel.forRange(x.dim(0), grain(inSize), (from, to) -> {
            for (int i = from; i < to; i++) apply(xd, i * inSize, yd, i * outSize, in, RandomKeys.child(key, i));
        });
        return y;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Scratch s = scratch(Scratch::new);
        if (!s.transformed) return dy;
        Shape in = inputShape();
        Tensor dx = s.dxBuf.get(in.withBatch(dy.dim(0)));
        int inSize = in.size(), outSize = outputShape().size();
        float[] dyd = dy.data(), dxd = dx.data();
        long key = s.batchKey;
        Parallel.forRange(dy.dim(0), grain(inSize), (from, to) -> {
            for (int i = from; i < to; i++) applyTranspose(dyd, i * outSize, dxd, i * inSize, in, RandomKeys.child(key, i));
        });
        return dx;
    }

    /** About 32k values per task: small images share a task, large ones get one each. */
    private static int grain(int exampleSize) {
        return Math.max(1, 32_768 / Math.max(1, exampleSize));
    }

    /** Checks that {@code in} is an image (height, width, channels); returns it. */
    protected final Shape requireImage(Shape in) {
        if (in.rank() != 3) {
            throw new FoveaException("layer " + name() + " (" + className() + ") needs images (height, width, channels), got " + in);
        }
        return in;
    }
}
