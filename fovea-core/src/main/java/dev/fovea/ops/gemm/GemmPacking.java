package dev.fovea.ops.gemm;

import static dev.fovea.ops.gemm.GemmMicroKernel.MR;
import static dev.fovea.ops.gemm.GemmMicroKernel.NR;

import java.util.Arrays;

/**
 * Copies blocks of op(A) and op(B) into the contiguous layouts the micro-kernel streams through.
 * Packing is where transposes are resolved: the kernel only ever sees "row p of a B sliver" and
 * "column p of an A sliver" laid out consecutively, whatever the caller's storage order was.
 * Edges are zero-padded to whole slivers so the kernel never needs a short path for them.
 */
final class GemmPacking {
    private GemmPacking() {}

    /**
     * Packs op(B)(pc : pc+kc, jc : jc+nc) into dst as ceil(nc / NR) slivers, each (kc, NR)
     * row-major, sliver s starting at s * kc * NR. Columns past nc are zero.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] dst) {
        if (!transB) {
            packRowsB(b, bOff + pc * ldb + jc, ldb, kc, nc, dst);
        } else {
            packColumnsB(b, bOff + jc * ldb + pc, ldb, kc, nc, dst);
        }
    }

    /**
     * op(B)(p, j) = b[src + p * ldb + j]. Row p of the panel is read once, contiguously, and dealt
     * out NR floats at a time to the slivers: sequential reads keep the prefetcher on, which a
     * sliver-by-sliver walk down the column (stride ldb) does not. arraycopy of a constant NR
     * floats compiles to a few vector moves, and unlike Vector API calls stays fast before the
     * JIT has compiled this method.
     */
    private static void packRowsB(float[] b, int src, int ldb, int kc, int nc, float[] dst) {
        int full = nc / NR * NR;
        int sliver = kc * NR;
        for (int p = 0; p < kc; p++, src += ldb) {
            int d = p * NR;
            for (int j = 0; j < full; j += NR, d += sliver) System.arraycopy(b, src + j, dst, d, NR);
            if (full < nc) {
                System.arraycopy(b, src + full, dst, d, nc - full);
                Arrays.fill(dst, d + nc - full, d + NR, 0f);
            }
        }
    }

    /**
     * op(B)(p, j) = b[src + j * ldb + p]: each source row is one column of op(B). Read it
     * contiguously and scatter it down the sliver with stride NR; the sliver stays in L1.
     */
    private static void packColumnsB(float[] b, int src, int ldb, int kc, int nc, float[] dst) {
        for (int j0 = 0, d = 0; j0 < nc; j0 += NR, d += kc * NR) {
            int w = Math.min(NR, nc - j0);
            for (int jj = 0; jj < w; jj++) {
                int s = src + (j0 + jj) * ldb;
                int o = d + jj;
                for (int p = 0; p < kc; p++) dst[o + p * NR] = b[s + p];
            }
            if (w < NR) {
                for (int p = 0; p < kc; p++) Arrays.fill(dst, d + p * NR + w, d + (p + 1) * NR, 0f);
            }
        }
    }

    /**
     * Packs op(A)(ic : ic+mc, pc : pc+kc) into dst as ceil(mc / MR) slivers, each (kc, MR)
     * row-major (that is, column p of the sliver's MR rows is contiguous), sliver s starting at
     * s * kc * MR. Rows past mc are zero.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] dst) {
        int d = 0;
        for (int i0 = 0; i0 < mc; i0 += MR, d += kc * MR) {
            int h = Math.min(MR, mc - i0);
            if (!transA) {
                // op(A)(i, p) = a[i * lda + p]: walk each of the h source rows contiguously.
                for (int r = 0; r < h; r++) {
                    int src = aOff + (ic + i0 + r) * lda + pc;
                    int o = d + r;
                    for (int p = 0; p < kc; p++) dst[o + p * MR] = a[src + p];
                }
            } else {
                // op(A)(i, p) = a[p * lda + i]: the sliver's column p is a contiguous run of source row p.
                int src = aOff + pc * lda + ic + i0;
                for (int p = 0; p < kc; p++, src += lda) System.arraycopy(a, src, dst, d + p * MR, h);
            }
            if (h < MR) {
                for (int p = 0; p < kc; p++) Arrays.fill(dst, d + p * MR + h, d + (p + 1) * MR, 0f);
            }
        }
    }
}
