package dev.fovea.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link Clip}'s Vector API loop; load only when {@link dev.fovea.tensor.VectorSupport#available()}. */
final class ClipVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private ClipVector() {}

    /** y[i] = min(max(x[i], lo), hi) for i in [from, to). */
    static void range(float[] y, float[] x, int from, int to, float lo, float hi) {
        FloatVector vlo = FloatVector.broadcast(S, lo), vhi = FloatVector.broadcast(S, hi);
        int i = from;
        for (int upper = from + S.loopBound(to - from); i < upper; i += S.length()) {
            FloatVector.fromArray(S, x, i).max(vlo).min(vhi).intoArray(y, i);
        }
        Clip.range(y, x, i, to, lo, hi);
    }
}
