package dev.fovea.ops.gemm;

import static dev.fovea.ops.gemm.GemmMicroKernel.MR;
import static dev.fovea.ops.gemm.GemmMicroKernel.NR;
import static dev.fovea.ops.gemm.GemmMicroKernel.S;
import static dev.fovea.ops.gemm.GemmMicroKernel.V;

import jdk.incubator.vector.FloatVector;

/**
 * Folds a finished tile from scratch into C: C(0 : mr, 0 : nr) = tile + beta · C. Kept apart from
 * the micro-kernel so the kernel stays small enough for both JIT tiers to compile it (a kernel
 * that also handled beta and edges ran out of C1 registers and was then left interpreted).
 */
final class GemmTileMerge {
    private GemmTileMerge() {}

    /** tile is (MR, NR) row-major; beta == 0 never reads C, so NaN or garbage there is dropped. */
    static void merge(float[] tile, float[] c, int cIdx, int ldc, float beta, int mr, int nr) {
        if (beta == 0f) {
            // Edge tiles only (whole tiles with beta 0 bypass scratch): arraycopy is fast in every
            // JIT tier, and this path runs too rarely to be compiled early.
            for (int r = 0, t = 0; r < mr; r++, t += NR, cIdx += ldc) System.arraycopy(tile, t, c, cIdx, nr);
        } else if (mr == MR && nr == NR) {
            // Accumulation across depth blocks and into existing C: hot, so vectorised.
            FloatVector bv = FloatVector.broadcast(S, beta);
            for (int t = 0; t < MR * NR; t += NR, cIdx += ldc) {
                FloatVector.fromArray(S, c, cIdx).fma(bv, FloatVector.fromArray(S, tile, t)).intoArray(c, cIdx);
                FloatVector.fromArray(S, c, cIdx + V).fma(bv, FloatVector.fromArray(S, tile, t + V)).intoArray(c, cIdx + V);
            }
        } else {
            for (int r = 0, t = 0; r < mr; r++, t += NR, cIdx += ldc) {
                for (int j = 0; j < nr; j++) c[cIdx + j] = Math.fma(beta, c[cIdx + j], tile[t + j]);
            }
        }
    }
}
