package dev.fovea.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API halves of small loops whose scalar halves live with their ops ({@link ReluOp},
 * {@link Im2Col}). Kept apart so those ops load without {@code jdk.incubator.vector}: each method
 * does whole vectors only and returns the index where the caller's scalar loop takes over; call
 * only when {@link dev.fovea.tensor.VectorSupport#available()}.
 */
final class VectorLoops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorLoops() {}

    /** y = max(0, x) over whole vectors of [from, to); returns where the tail starts. */
    static int reluForward(float[] y, float[] x, int from, int to) {
        int i = from;
        for (int upper = from + S.loopBound(to - from); i < upper; i += S.length()) {
            FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
        }
        return i;
    }

    /** dx = dy where y > 0, else 0, over whole vectors of [from, to); returns where the tail starts. */
    static int reluBackward(float[] dx, float[] dy, float[] y, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        for (int upper = from + S.loopBound(to - from); i < upper; i += S.length()) {
            var positive = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, i), positive).intoArray(dx, i);
        }
        return i;
    }

    /** dst[d + i] += src[s + i] over whole vectors of i in [0, len); returns where the tail starts. */
    static int addRun(float[] dst, int d, float[] src, int s, int len) {
        int i = 0;
        for (int upper = S.loopBound(len); i < upper; i += S.length()) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        return i;
    }
}
