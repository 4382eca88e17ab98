package dev.fovea.ops;

import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.VectorSupport;

/**
 * y = min(max(x, lo), hi) over a flat array (ONNX Clip, ReLU6), split over the worker threads and
 * vectorised ({@link ClipVector}) when the Vector API is present. NaN stays NaN, as before.
 * Why its own kernel: MobileNetV2's seventeen ReLU6 layers, as one scalar loop with two
 * branches per element, took about half of its batch-1 inference once the convolutions were fast.
 */
final class Clip {
    /** Elements per chunk below which handing work to another thread costs more than it saves. */
    private static final int GRAIN = 1 << 14;

    private Clip() {}

    static void forward(float[] y, float[] x, int size, float lo, float hi) {
        boolean vector = VectorSupport.available();
        Parallel.forRange(size, GRAIN, (from, to) -> {
            if (vector) ClipVector.range(y, x, from, to, lo, hi);
            else range(y, x, from, to, lo, hi);
        });
    }

    /** Elements [from, to), plain Java. */
    static void range(float[] y, float[] x, int from, int to, float lo, float hi) {
        for (int i = from; i < to; i++) y[i] = Math.min(Math.max(x[i], lo), hi);
    }
}
