package dev.fovea.ops.gemm;

import static dev.fovea.ops.gemm.GemmMicroKernel.NR;
import static dev.fovea.ops.gemm.GemmMicroKernel.S;
import static dev.fovea.ops.gemm.GemmMicroKernel.V;

import jdk.incubator.vector.FloatVector;

/**
 * Folds a finished tile from scratch into C: C(0 : mr, 0 : nr) = tile + beta · C. Kept apart from
 * the micro-kernel so the kernel stays small enough for both JIT tiers to compile it (a kernel
 * that also handled beta and edges ran out of C1 registers and was left interpreted).
 */
final class GemmTileMerge {
    private GemmTileMerge() {}

    /** tile is (MR, NR) row-major; beta == 0 never reads C, so NaN or garbage there is dropped. */
    static void merge(float[] tile, float[] c, int cIdx, int ldc, float beta, int mr, int nr) {
        if (nr == NR) {
            FloatVector bv = FloatVector.broadcast(S, beta);
            for (int r = 0, t = 0; r < mr; r++, t += NR, cIdx += ldc) {
                FloatVector t0 = FloatVector.fromArray(S, tile, t);
                FloatVector t1 = FloatVector.fromArray(S, tile, t + V);
                if (beta != 0f) {
                    t0 = FloatVector.fromArray(S, c, cIdx).fma(bv, t0);
                    t1 = FloatVector.fromArray(S, c, cIdx + V).fma(bv, t1);
                }
                t0.intoArray(c, cIdx);
                t1.intoArray(c, cIdx + V);
            }
        } else {
            for (int r = 0, t = 0; r < mr; r++, t += NR, cIdx += ldc) {
                if (beta == 0f) {
                    System.arraycopy(tile, t, c, cIdx, nr);
                } else {
                    for (int j = 0; j < nr; j++) c[cIdx + j] = Math.fma(beta, c[cIdx + j], tile[t + j]);
                }
            }
        }
    }
}
