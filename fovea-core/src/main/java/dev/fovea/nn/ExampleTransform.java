package dev.fovea.nn;

import dev.fovea.tensor.Shape;

/**
 * A transform of one example, channels last: the work of a preprocessing or augmentation layer
 * on a single image, so a data pipeline can run the same code on background threads that the
 * layer runs inside the model. A random transform draws everything from its key (see
 * {@link RandomKeys}): the same key gives the same output, whichever thread computes it.
 */
public interface ExampleTransform {
    /** Whether the output depends on the key: augmentation, applied in training only. */
    boolean isRandom();

    /** The per-example output shape for input {@code in} (without batch axis), or an error naming what is accepted. */
    Shape outputShape(Shape in);

    /**
     * Writes the transform of x[xOff, xOff + in.size()) into y from yOff. x and y are distinct
     * regions; x is not modified.
     */
    void apply(float[] x, int xOff, float[] y, int yOff, Shape in, long key);
}
