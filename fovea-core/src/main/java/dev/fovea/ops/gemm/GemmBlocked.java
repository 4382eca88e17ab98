package dev.fovea.ops.gemm;

import static dev.fovea.ops.gemm.GemmMicroKernel.MR;
import static dev.fovea.ops.gemm.GemmMicroKernel.NR;

/**
 * One thread's share of a GEMM: the block C(i0 : i1, j0 : j1), computed with GotoBLAS-style
 * cache blocking around {@link GemmMicroKernel}. Loop nest, outermost first:
 * <pre>
 *   jc: NC columns   -- the packed B panel (KC, NC) is sized to stay in L2 while it is reused
 *   pc: KC depth     -- pack B panel; the first depth block applies beta, later ones add (beta 1)
 *   ic: MC rows      -- pack the A block (MC, KC), or read it in place when C is narrow
 *   ir: MR rows      -- one A sliver (KC, MR) stays in L1 ...
 *   jr: NR columns   -- ... while the B slivers stream past it from L2
 * </pre>
 */
final class GemmBlocked {
    /** Target depth of a block; blocks run from KC / 2 to KC_MAX deep (see run). */
    static final int KC = 256;
    static final int KC_MAX = KC + KC / 2;
    /**
     * Widest C for which row-major A is read in place rather than packed. Packing costs about a
     * cycle per element and the in-place kernel runs about 14% slower than the packed one, so
     * packing wins from about five column tiles on; measured with k = 9..288.
     */
    static final int IN_PLACE_A_MAX_COLUMNS = 4 * NR;
    /** Rows of A packed at a time: (MC, KC) floats, 120 KiB, comfortably inside L2. */
    static final int MC = roundUp(120, MR);
    /** Columns of the packed B panel: (KC, NC) floats, 1 MiB (1.5 at KC_MAX) of a 2 MiB L2. */
    static final int NC = roundUp(1024, NR);

    /**
     * Per-thread packing buffers, reused by every call. They grow to the largest problem the
     * thread has seen (at most 1.7 MiB), so a thread that only multiplies small matrices keeps
     * small buffers, and steady state allocates nothing.
     */
    private static final class Workspace {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        void ensure(int aFloats, int bFloats) {
            if (a.length < aFloats) a = new float[aFloats];
            if (b.length < bFloats) b = new float[bFloats];
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private GemmBlocked() {}

    static int ceilDiv(int x, int y) { return (x + y - 1) / y; }

    static int roundUp(int x, int to) { return (x + to - 1) / to * to; }

    static void run(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc) {
        Workspace ws = WORKSPACE.get();
        // Depth blocks of about KC, equal in size and at most KC_MAX: k = 288 runs as one block
        // rather than 256 + 32, and every extra block costs a beta-1 pass over C.
        int kBlocks = Math.max(ceilDiv(k, KC_MAX), (k + KC / 2) / KC);
        int kBlock = ceilDiv(k, Math.max(1, kBlocks));
        ws.ensure(roundUp(Math.min(MC, i1 - i0), MR) * kBlock, roundUp(Math.min(NC, j1 - j0), NR) * kBlock);
        // Packing A pays off only when each packed sliver is reused across many column tiles;
        // for narrow C (conv layers: 32 or 64 filters) reading row-major A in place is faster.
        boolean inPlaceA = !transA && j1 - j0 <= IN_PLACE_A_MAX_COLUMNS;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += kBlock) {
                int kc = Math.min(kBlock, k - pc);
                float bt = pc == 0 ? beta : 1f;
                GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, ws.b);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    int whole = inPlaceA ? mc / MR * MR : 0;  // rows read in place; the rest is packed
                    if (whole < mc) GemmPacking.packA(transA, a, aOff, lda, ic + whole, mc - whole, pc, kc, ws.a);
                    int cRow = cOff + ic * ldc + jc;
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        // A sliver: rows of A itself (lda), or packed (stride 0 marks packed).
                        float[] as = ir < whole ? a : ws.a;
                        int ai = ir < whole ? aOff + (ic + ir) * lda + pc : (ir - whole) * kc;
                        int as0 = ir < whole ? lda : 0;
                        for (int jr = 0, bIdx = 0; jr < nc; jr += NR, bIdx += kc * NR) {
                            tile(kc, as, ai, as0, ws, bIdx, c, cRow + ir * ldc + jr, ldc, bt, mr, Math.min(NR, nc - jr));
                        }
                    }
                }
            }
        }
    }

    /**
     * One tile of C. The kernels only ever overwrite a whole (MR, NR) block, so they write C
     * directly when that is exactly what is wanted (beta 0, tile inside C) and otherwise go
     * through the scratch tile and a merge that applies beta and trims the edges.
     * lda == 0 means the A sliver is packed; otherwise it is MR rows of row-major A.
     */
    private static void tile(int kc, float[] a, int ai, int lda, Workspace ws, int bIdx, float[] c, int cIdx,
                             int ldc, float beta, int mr, int nr) {
        boolean direct = beta == 0f && mr == MR && nr == NR;
        float[] d = direct ? c : ws.tile;
        int di = direct ? cIdx : 0, ldd = direct ? ldc : NR;
        if (lda == 0 && mr <= 4) {
            GemmMicroKernel.packedA4(kc, a, ai, ws.b, bIdx, d, di, ldd);   // never direct: mr < MR
        } else if (lda == 0) {
            GemmMicroKernel.packedA(kc, a, ai, ws.b, bIdx, d, di, ldd);
        } else {
            GemmMicroKernel.rowMajorA(kc, a, ai, lda, ws.b, bIdx, d, di, ldd);
        }
        if (!direct) GemmTileMerge.merge(ws.tile, c, cIdx, ldc, beta, mr, nr);
    }
}
