package dev.fovea.ops.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fovea.tensor.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Holds {@link Gemm} equal to {@link GemmReference}. Every case stores its matrices at an offset,
 * with leading dimensions wider than the rows, and surrounds C with sentinels, so a kernel that
 * writes outside the m x n window, ignores ld, or mishandles beta fails here.
 */
class GemmTest {
    /** Relative tolerance against the sum of |a||b| terms (plus |beta c|) of each output. */
    private static final double REL = 1e-4;
    private static final float SENTINEL = -12345.5f;
    private static final float[] BETAS = {0f, 1f, 0.5f};

    /** One stored problem: arrays, layout, and the result of the run under test. */
    private record Case(boolean transA, boolean transB, int m, int n, int k,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {

        static Case random(SplittableRandom rnd, boolean transA, boolean transB, int m, int n, int k, float beta) {
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            int lda = Math.max(1, aCols) + rnd.nextInt(4), ldb = Math.max(1, bCols) + rnd.nextInt(4);
            int ldc = Math.max(1, n) + rnd.nextInt(4);
            int aOff = rnd.nextInt(5), bOff = rnd.nextInt(5), cOff = rnd.nextInt(5);
            float[] a = fill(rnd, new float[aOff + aRows * lda + 3]);
            float[] b = fill(rnd, new float[bOff + bRows * ldb + 3]);
            float[] c = new float[cOff + m * ldc + 3];
            java.util.Arrays.fill(c, SENTINEL);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    // beta 0 must overwrite even NaN; otherwise C carries real values to scale.
                    c[cOff + i * ldc + j] = beta == 0f ? Float.NaN : (float) rnd.nextDouble(-1, 1);
                }
            }
            return new Case(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        float[] runFast() {
            float[] out = c.clone();
            Gemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /** The small-problem loops, whatever size Gemm would route to them. */
        float[] runSmall() {
            float[] out = c.clone();
            GemmSmall.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /** The packed path on one thread, whatever size Gemm would route to it. */
        float[] runBlocked() {
            float[] out = c.clone();
            GemmBlocked.run(transA, transB, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /** The plain-Java path of JVMs without the Vector API, whatever this JVM has. */
        float[] runPlain() {
            float[] out = c.clone();
            GemmPlain.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        float[] runReference() {
            float[] out = c.clone();
            GemmReference.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /** Error bound of element (i, j): float rounding grows with the magnitudes summed. */
        double bound(int i, int j) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                s += Math.abs((double) av * bv);
            }
            if (beta != 0f) s += Math.abs(beta * c[cOff + i * ldc + j]);
            return REL * s + 1e-30;
        }

        /** Null when got matches expected within bounds and outside the window is untouched. */
        String mismatch(float[] got, float[] expected) {
            for (int x = 0; x < got.length; x++) {
                int rel = x - cOff;
                int i = rel >= 0 ? rel / ldc : -1, j = rel >= 0 ? rel % ldc : -1;
                boolean inside = rel >= 0 && i < m && j < n;
                if (!inside) {
                    if (Float.floatToRawIntBits(got[x]) != Float.floatToRawIntBits(c[x])) {
                        return this + ": wrote outside C's window at index " + x + " (" + got[x] + ")";
                    }
                } else if (!(Math.abs((double) got[x] - expected[x]) <= bound(i, j))) {
                    return this + ": C(" + i + ", " + j + ") = " + got[x] + ", expected " + expected[x]
                            + " within " + bound(i, j);
                }
            }
            return null;
        }

        @Override public String toString() {
            return "gemm(" + (transA ? "T" : "N") + (transB ? "T" : "N") + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", beta=" + beta + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc
                    + ", offsets " + aOff + "/" + bOff + "/" + cOff + ")";
        }
    }

    private static float[] fill(SplittableRandom rnd, float[] x) {
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        return x;
    }

    private static void check(Case cs) {
        String err = cs.mismatch(cs.runFast(), cs.runReference());
        if (err != null) fail(err);
    }

    private static void checkAllVariants(SplittableRandom rnd, int m, int n, int k) {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (float beta : BETAS) check(Case.random(rnd, ta, tb, m, n, k, beta));
            }
        }
    }

    @Test
    void edgeShapesAllTransposesAndBetas() {
        SplittableRandom rnd = new SplittableRandom(1);
        // Sizes around the tile (12 x 32 on AVX-512, 12 x 16 on AVX2) and its multiples.
        int[] sizes = {1, 2, 3, 5, 11, 12, 13, 16, 17, 31, 32, 33, 47, 64, 65};
        for (int m : sizes) {
            for (int n : sizes) {
                checkAllVariants(rnd, m, n, 1 + rnd.nextInt(40));
            }
        }
        checkAllVariants(rnd, 1, 1, 1);
    }

    @Test
    void eachPathOnItsOwn() {
        // Gemm picks a path by size; here each is checked across sizes so a threshold change
        // cannot leave one untested. Widths straddle the in-place-A limit of the packed path.
        SplittableRandom rnd = new SplittableRandom(9);
        int wide = GemmBlocked.IN_PLACE_A_MAX_COLUMNS;
        int[][] shapes = {{1, 1, 1}, {2, 3, 4}, {13, 5, 7}, {25, wide, 30}, {25, wide + 1, 30}, {37, wide + 33, 9}, {70, 130, 300}};
        for (int[] sh : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (float beta : BETAS) {
                        Case cs = Case.random(rnd, ta, tb, sh[0], sh[1], sh[2], beta);
                        float[] want = cs.runReference();
                        String small = cs.mismatch(cs.runSmall(), want), blocked = cs.mismatch(cs.runBlocked(), want);
                        if (small != null) fail("GemmSmall: " + small);
                        if (blocked != null) fail("GemmBlocked: " + blocked);
                        String plain = cs.mismatch(cs.runPlain(), want);
                        if (plain != null) fail("GemmPlain: " + plain);
                    }
                }
            }
        }
    }

    @Test
    void randomShapes() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int t = 0; t < 60; t++) {
            int m = 1 + rnd.nextInt(150), n = 1 + rnd.nextInt(150), k = 1 + rnd.nextInt(200);
            check(Case.random(rnd, rnd.nextBoolean(), rnd.nextBoolean(), m, n, k, BETAS[rnd.nextInt(3)]));
        }
    }

    @Test
    void crossesEveryCacheBlock() {
        // Sized from the blocking constants so that each thread's share, however the work is
        // split, spans several depth blocks (beta-1 passes), row blocks and column panels.
        SplittableRandom rnd = new SplittableRandom(3);
        int t = Parallel.threads();
        int deep = 2 * GemmBlocked.KC_MAX + 5;
        int tall = t * (GemmBlocked.MC + 2 * GemmMicroKernel.MR) + 5;
        int wide = t * (GemmBlocked.NC + GemmMicroKernel.NR) + 3;
        check(Case.random(rnd, false, false, 37, 45, deep, 0.5f));
        check(Case.random(rnd, true, true, 29, 70, deep, 0f));
        check(Case.random(rnd, false, true, tall, 40, 50, 1f));
        check(Case.random(rnd, true, false, tall, 33, 300, 0f));
        check(Case.random(rnd, false, false, 13, wide, 30, 0.5f));
        check(Case.random(rnd, true, true, 7, wide, 19, 1f));
    }

    @Test
    void cnnShapes() {
        SplittableRandom rnd = new SplittableRandom(4);
        // Conv forward im2col (rows = pixels, k = 3x3xC_in), weight gradient (A^T B), input gradient (A B^T).
        check(Case.random(rnd, false, false, 2 * 26 * 26, 32, 9, 0f));
        check(Case.random(rnd, false, false, 2 * 11 * 11, 64, 288, 0f));
        check(Case.random(rnd, true, false, 288, 64, 2 * 11 * 11, 1f));
        check(Case.random(rnd, false, true, 2 * 11 * 11, 288, 64, 0f));
        // Dense: batch x features x units, and its two gradients.
        check(Case.random(rnd, false, false, 16, 256, 400, 0f));
        check(Case.random(rnd, true, false, 400, 256, 16, 1f));
        check(Case.random(rnd, false, true, 16, 400, 256, 0f));
    }

    @Test
    void bothParallelSplitsAndUnevenParts() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {2, 3}) {
                Parallel.setThreads(threads);
                SplittableRandom rnd = new SplittableRandom(5 + threads);
                // {m, n, k} and the split each must take, so that every split is exercised.
                Object[][] cases = {
                    {new int[] {2400, 40, 30}, GemmParallel.Split.ROWS},
                    {new int[] {20, 4000, 40}, GemmParallel.Split.COLUMNS},
                    {new int[] {131, 130, 129}, null},                      // either, by transposes
                    {new int[] {25, 7, 12000}, GemmParallel.Split.DEPTH},   // tall k, few tiles
                    {new int[] {45, 70, 3000}, GemmParallel.Split.DEPTH},
                };
                for (Object[] cs : cases) {
                    int[] sh = (int[]) cs[0];
                    // Big enough to be split at all; otherwise this test would test nothing.
                    assertTrue((long) sh[0] * sh[1] * sh[2] >= Gemm.PARALLEL_MIN_FMAS);
                    for (boolean ta : new boolean[] {false, true}) {
                        for (boolean tb : new boolean[] {false, true}) {
                            if (cs[1] != null) {
                                assertEquals(cs[1], GemmParallel.choose(ta, tb, sh[0], sh[1], sh[2], threads),
                                        java.util.Arrays.toString(sh) + " transA " + ta + " transB " + tb);
                            }
                            check(Case.random(rnd, ta, tb, sh[0], sh[1], sh[2], BETAS[rnd.nextInt(3)]));
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void zeroDepthScalesC() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (float beta : BETAS) {
                    Case cs = Case.random(rnd, ta, tb, 7, 40, 0, beta);
                    float[] got = cs.runFast();
                    for (int i = 0; i < cs.m; i++) {
                        for (int j = 0; j < cs.n; j++) {
                            int x = cs.cOff + i * cs.ldc + j;
                            float want = beta == 0f ? 0f : beta * cs.c[x];
                            assertEquals(want, got[x], 0f, cs + " at (" + i + ", " + j + ")");
                        }
                    }
                    assertEquals(null, cs.mismatch(got, cs.runReference()));
                }
            }
        }
    }

    @Test
    void emptyOutputsAreNoOps() {
        float[] c = {SENTINEL};
        Gemm.gemm(false, false, 0, 5, 3, new float[15], 0, 3, new float[15], 0, 5, 0f, c, 0, 5);
        Gemm.gemm(false, false, 4, 0, 3, new float[12], 0, 3, new float[0], 0, 1, 0f, c, 0, 1);
        assertEquals(SENTINEL, c[0]);
    }

    @Test
    void nanAndInfinityPropagateFromInputs() {
        SplittableRandom rnd = new SplittableRandom(7);
        Case cs = Case.random(rnd, false, false, 20, 40, 30, 0f);
        cs.a[cs.aOff + 3 * cs.lda + 5] = Float.NaN;          // row 3 of A
        cs.b[cs.bOff + 7 * cs.ldb + 9] = Float.POSITIVE_INFINITY; // column 9 of B
        float[] got = cs.runFast();
        for (int j = 0; j < cs.n; j++) assertTrue(Float.isNaN(got[cs.cOff + 3 * cs.ldc + j]), "row 3 col " + j);
        for (int i = 0; i < cs.m; i++) {
            if (i != 3) assertTrue(Float.isInfinite(got[cs.cOff + i * cs.ldc + 9]) || Float.isNaN(got[cs.cOff + i * cs.ldc + 9]));
        }
        // Everything else stays finite: padding in the packed panels must not leak NaN into real outputs.
        for (int i = 0; i < cs.m; i++) {
            for (int j = 0; j < cs.n; j++) {
                if (i != 3 && j != 9) assertTrue(Float.isFinite(got[cs.cOff + i * cs.ldc + j]), "(" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void theCheckerRejectsAWrongElement() {
        // Guards the guard: a result off by a small relative error in one element must be caught.
        SplittableRandom rnd = new SplittableRandom(8);
        Case cs = Case.random(rnd, true, false, 17, 33, 29, 0.5f);
        float[] expected = cs.runReference();
        float[] wrong = cs.runFast();
        int x = cs.cOff + 5 * cs.ldc + 20;
        wrong[x] += (float) (Math.abs(expected[x]) * 1e-2 + 1e-3);
        assertTrue(cs.mismatch(wrong, expected) != null);
        float[] outside = cs.runFast();
        outside[cs.cOff + 2 * cs.ldc + cs.n] = 0f;            // one past the row, inside ldc padding
        if (cs.ldc > cs.n) assertTrue(cs.mismatch(outside, expected) != null);
    }

    @Test
    void rejectsBadArgumentsWithAMessage() {
        List<Runnable> bad = new ArrayList<>();
        float[] a = new float[6], b = new float[6], c = new float[4];
        bad.add(() -> Gemm.gemm(false, false, -1, 2, 3, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        bad.add(() -> Gemm.gemm(false, false, 2, 2, 3, a, 0, 2, b, 0, 2, 0f, c, 0, 2));   // lda < k
        bad.add(() -> Gemm.gemm(true, false, 2, 2, 3, a, 1, 2, b, 0, 2, 0f, c, 0, 2));    // A too short
        bad.add(() -> Gemm.gemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, 0f, c, 1, 2));   // C too short
        bad.add(() -> Gemm.gemm(false, true, 2, 2, 3, a, 0, 3, b, 0, 2, 0f, c, 0, 2));    // ldb < k
        bad.add(() -> Gemm.gemm(false, false, 2, 2, 3, a, 0, 3, b, -1, 2, 0f, c, 0, 2));  // negative offset
        float[] shared = new float[20];
        bad.add(() -> Gemm.gemm(false, false, 2, 2, 3, shared, 0, 3, b, 0, 2, 0f, shared, 4, 2)); // C overlaps A
        for (Runnable r : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
            assertTrue(e.getMessage().startsWith("gemm: "), e.getMessage());
        }
        // Disjoint parts of one array are fine.
        Gemm.gemm(false, false, 2, 2, 3, shared, 0, 3, b, 0, 2, 0f, shared, 10, 2);
    }
}
