package dev.fovea.nn;

import dev.fovea.ops.ReluOp;
import dev.fovea.tensor.Parallel;

/**
 * ReLU forward and backward split over the shared pool by a reused body object, so a step's
 * activation passes allocate nothing (a capturing lambda would allocate every call).
 */
final class ReluPass implements Parallel.RangeBody {
    /** Elements per parallel chunk (below it, threads cost more than they save). */
    private static final int GRAIN = 1 << 15;

    private float[] out, in, y;
    private boolean backward;

    /** y = max(0, z) over size elements. */
    void forward(float[] y, float[] z, int size) {
        run(y, z, null, false, size);
    }

    /** dz = dy where y > 0, else 0. */
    void backward(float[] dz, float[] dy, float[] y, int size) {
        run(dz, dy, y, true, size);
    }

    private void run(float[] out, float[] in, float[] y, boolean backward, int size) {
        this.out = out; this.in = in; this.y = y; this.backward = backward;
        try {
            Parallel.forRange(size, GRAIN, this);
        } finally {
            this.out = null; this.in = null; this.y = null;
        }
    }

    @Override public void run(int from, int to) {
        if (backward) ReluOp.backward(out, in, y, from, to);
        else ReluOp.forward(out, in, from, to);
    }
}
