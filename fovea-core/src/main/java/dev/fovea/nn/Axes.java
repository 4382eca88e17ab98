package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;

/**
 * Keras-style axis numbers: they count the batch axis (0), so in (N, H, W, C) the channels are
 * axis 3 or -1. Layers store them that way and resolve them here against the per-example shape.
 */
final class Axes {
    private Axes() {}

    /** The per-example axis (0-based, batch excluded) of a Keras axis; the batch axis is refused. */
    static int perExample(int axis, Shape perExampleShape, String where) {
        int rank = perExampleShape.rank() + 1;
        int a = axis < 0 ? axis + rank : axis;
        if (a < 1 || a >= rank) {
            throw new FoveaException(where + ": axis " + axis + " is outside the input (batch, " + perExampleShape.toString().substring(1)
                    + " or is the batch axis; accepted: 1 to " + (rank - 1) + " or -1 to -" + (rank - 1));
        }
        return a - 1;
    }

    /** Product of dims [from, to) of a shape. */
    static int product(Shape s, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= s.dim(i);
        return p;
    }
}
