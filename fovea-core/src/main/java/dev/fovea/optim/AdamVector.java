package dev.fovea.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API lanes of {@link Adam}'s update, apart so that Adam loads without
 * {@code jdk.incubator.vector}; call only when {@link dev.fovea.tensor.VectorSupport#available()}.
 */
final class AdamVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private AdamVector() {}

    /** Adam's update over whole vectors of [from, to), the same float expression as Adam's scalar tail; returns where the tail starts. */
    static int update(float[] w, float[] g, float[] m, float[] v, float alpha, float b1, float b2, float eps, int from, int to) {
        float c1 = 1 - b1, c2 = 1 - b2;
        int i = from;
        int upper = from + S.loopBound(to - from);
        for (; i < upper; i += S.length()) {
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(gi).mul(c2));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector step = mi.mul(alpha).div(vi.lanewise(VectorOperators.SQRT).add(eps));
            FloatVector.fromArray(S, w, i).sub(step).intoArray(w, i);
        }
        return i;
    }
}
