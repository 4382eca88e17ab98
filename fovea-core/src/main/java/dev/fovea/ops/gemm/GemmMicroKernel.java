package dev.fovea.ops.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled inner kernels: D(MR, NR) = A(MR, kc) · B(kc, NR) for one tile, from a packed
 * B sliver and a packed (or, in {@link #rowMajorA}, in-place) A sliver, with MR = 12 rows and
 * NR = two vectors of columns (12 x 32 with AVX-512).
 *
 * <p>Why this shape: the 24 accumulators, two B vectors and a broadcast A value fit the 32 vector
 * registers of AVX-512; each B vector loaded feeds 12 fused multiply-adds, so the loop issues
 * 14 loads per 24 FMAs and stays FMA-bound; 24 independent accumulators cover the FMA latency
 * (4 cycles on two ports needs at least 8). Measured on the 2-core Xeon with data in L1: 12 x 32
 * ran the loop at about 87% of the FMA peak (a plain FMA loop's 200 GFLOP/s per core), 8 x 32 at
 * 82%, 6 x 32 at 75%; 14 x 32 was slower again. With -XX:UseAVX=2 (16 registers) the same kernel
 * spills a few accumulators and measured within 10% of a 6-row one, so one kernel serves both.
 *
 * <p>Why it does so little: the accumulators are named locals (C2 keeps them in registers; an
 * array of vectors would be boxed), and the method is kept small on purpose. A version that also
 * applied beta and trimmed edges here exceeded what C1 can compile ("out of virtual registers"),
 * after which HotSpot sometimes never reached C2 and ran it interpreted, at 1 GFLOP/s. So beta,
 * edges and accumulation across depth blocks live in {@link GemmTileMerge}.
 */
final class GemmMicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int V = S.length();
    /** Rows of a tile: the broadcast dimension. */
    static final int MR = 12;
    /** Columns of a tile: the vector dimension, two vectors wide. */
    static final int NR = 2 * V;

    private GemmMicroKernel() {}

    /**
     * Overwrites d(dIdx + r * ldd + j), r < MR, j < NR, with the product of the A sliver at aIdx
     * ((kc, MR) row-major: column p of the tile's rows is contiguous) and the B sliver at bIdx
     * ((kc, NR) row-major). Every index is affine in p with a constant stride, which lets C2
     * hoist all bounds checks out of the loop.
     */
    static void packedA(int kc, float[] a, int aIdx, float[] b, int bIdx, float[] d, int dIdx, int ldd) {
        FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
        FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
        FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
        FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
        FloatVector c4a = FloatVector.zero(S), c4b = FloatVector.zero(S);
        FloatVector c5a = FloatVector.zero(S), c5b = FloatVector.zero(S);
        FloatVector c6a = FloatVector.zero(S), c6b = FloatVector.zero(S);
        FloatVector c7a = FloatVector.zero(S), c7b = FloatVector.zero(S);
        FloatVector c8a = FloatVector.zero(S), c8b = FloatVector.zero(S);
        FloatVector c9a = FloatVector.zero(S), c9b = FloatVector.zero(S);
        FloatVector c10a = FloatVector.zero(S), c10b = FloatVector.zero(S);
        FloatVector c11a = FloatVector.zero(S), c11b = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int pa = aIdx + p * MR;
            int pb = bIdx + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + V);
            FloatVector av; // row r of the tile: cRa += A(r, p) * B(p, 0 : V), cRb the next V columns
            av = FloatVector.broadcast(S, a[pa]);
            c0a = av.fma(b0, c0a);
            c0b = av.fma(b1, c0b);
            av = FloatVector.broadcast(S, a[pa + 1]);
            c1a = av.fma(b0, c1a);
            c1b = av.fma(b1, c1b);
            av = FloatVector.broadcast(S, a[pa + 2]);
            c2a = av.fma(b0, c2a);
            c2b = av.fma(b1, c2b);
            av = FloatVector.broadcast(S, a[pa + 3]);
            c3a = av.fma(b0, c3a);
            c3b = av.fma(b1, c3b);
            av = FloatVector.broadcast(S, a[pa + 4]);
            c4a = av.fma(b0, c4a);
            c4b = av.fma(b1, c4b);
            av = FloatVector.broadcast(S, a[pa + 5]);
            c5a = av.fma(b0, c5a);
            c5b = av.fma(b1, c5b);
            av = FloatVector.broadcast(S, a[pa + 6]);
            c6a = av.fma(b0, c6a);
            c6b = av.fma(b1, c6b);
            av = FloatVector.broadcast(S, a[pa + 7]);
            c7a = av.fma(b0, c7a);
            c7b = av.fma(b1, c7b);
            av = FloatVector.broadcast(S, a[pa + 8]);
            c8a = av.fma(b0, c8a);
            c8b = av.fma(b1, c8b);
            av = FloatVector.broadcast(S, a[pa + 9]);
            c9a = av.fma(b0, c9a);
            c9b = av.fma(b1, c9b);
            av = FloatVector.broadcast(S, a[pa + 10]);
            c10a = av.fma(b0, c10a);
            c10b = av.fma(b1, c10b);
            av = FloatVector.broadcast(S, a[pa + 11]);
            c11a = av.fma(b0, c11a);
            c11b = av.fma(b1, c11b);
        }
        c0a.intoArray(d, dIdx); c0b.intoArray(d, dIdx + V); dIdx += ldd;
        c1a.intoArray(d, dIdx); c1b.intoArray(d, dIdx + V); dIdx += ldd;
        c2a.intoArray(d, dIdx); c2b.intoArray(d, dIdx + V); dIdx += ldd;
        c3a.intoArray(d, dIdx); c3b.intoArray(d, dIdx + V); dIdx += ldd;
        c4a.intoArray(d, dIdx); c4b.intoArray(d, dIdx + V); dIdx += ldd;
        c5a.intoArray(d, dIdx); c5b.intoArray(d, dIdx + V); dIdx += ldd;
        c6a.intoArray(d, dIdx); c6b.intoArray(d, dIdx + V); dIdx += ldd;
        c7a.intoArray(d, dIdx); c7b.intoArray(d, dIdx + V); dIdx += ldd;
        c8a.intoArray(d, dIdx); c8b.intoArray(d, dIdx + V); dIdx += ldd;
        c9a.intoArray(d, dIdx); c9b.intoArray(d, dIdx + V); dIdx += ldd;
        c10a.intoArray(d, dIdx); c10b.intoArray(d, dIdx + V); dIdx += ldd;
        c11a.intoArray(d, dIdx); c11b.intoArray(d, dIdx + V);
    }

    /**
     * As {@link #packedA} for a sliver with at most four real rows (the last rows of C, as the 64
     * rows of a batch leave after five whole tiles): computes rows 0-3 only, from the same packed
     * layout (column p of the sliver at aIdx + p * MR), with eight accumulators instead of 24, so a
     * short edge tile does a third of a whole tile's work instead of all of it.
     */
    static void packedA4(int kc, float[] a, int aIdx, float[] b, int bIdx, float[] d, int dIdx, int ldd) {
        FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
        FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
        FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
        FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int pa = aIdx + p * MR;
            int pb = bIdx + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + V);
            FloatVector av = FloatVector.broadcast(S, a[pa]);
            c0a = av.fma(b0, c0a);
            c0b = av.fma(b1, c0b);
            av = FloatVector.broadcast(S, a[pa + 1]);
            c1a = av.fma(b0, c1a);
            c1b = av.fma(b1, c1b);
            av = FloatVector.broadcast(S, a[pa + 2]);
            c2a = av.fma(b0, c2a);
            c2b = av.fma(b1, c2b);
            av = FloatVector.broadcast(S, a[pa + 3]);
            c3a = av.fma(b0, c3a);
            c3b = av.fma(b1, c3b);
        }
        c0a.intoArray(d, dIdx); c0b.intoArray(d, dIdx + V); dIdx += ldd;
        c1a.intoArray(d, dIdx); c1b.intoArray(d, dIdx + V); dIdx += ldd;
        c2a.intoArray(d, dIdx); c2b.intoArray(d, dIdx + V); dIdx += ldd;
        c3a.intoArray(d, dIdx); c3b.intoArray(d, dIdx + V);
    }

    /**
     * As {@link #packedA}, but reading A in place: row r of the tile is a[aIdx + r * lda + p].
     * Used where a packed sliver would be reused too few times to repay the copy (narrow C). The
     * row offsets are loop-invariant and the index is p plus an offset, so bounds checks still
     * hoist; the twelve address streams cost it about 14% against the packed kernel.
     */
    static void rowMajorA(int kc, float[] a, int aIdx, int lda, float[] b, int bIdx, float[] d, int dIdx, int ldd) {
        FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
        FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
        FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
        FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
        FloatVector c4a = FloatVector.zero(S), c4b = FloatVector.zero(S);
        FloatVector c5a = FloatVector.zero(S), c5b = FloatVector.zero(S);
        FloatVector c6a = FloatVector.zero(S), c6b = FloatVector.zero(S);
        FloatVector c7a = FloatVector.zero(S), c7b = FloatVector.zero(S);
        FloatVector c8a = FloatVector.zero(S), c8b = FloatVector.zero(S);
        FloatVector c9a = FloatVector.zero(S), c9b = FloatVector.zero(S);
        FloatVector c10a = FloatVector.zero(S), c10b = FloatVector.zero(S);
        FloatVector c11a = FloatVector.zero(S), c11b = FloatVector.zero(S);
        int a1 = aIdx + lda; // start of each row
        int a2 = aIdx + 2 * lda;
        int a3 = aIdx + 3 * lda;
        int a4 = aIdx + 4 * lda;
        int a5 = aIdx + 5 * lda;
        int a6 = aIdx + 6 * lda;
        int a7 = aIdx + 7 * lda;
        int a8 = aIdx + 8 * lda;
        int a9 = aIdx + 9 * lda;
        int a10 = aIdx + 10 * lda;
        int a11 = aIdx + 11 * lda;
        for (int p = 0; p < kc; p++) {
            int pb = bIdx + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + V);
            FloatVector av;
            av = FloatVector.broadcast(S, a[aIdx + p]);
            c0a = av.fma(b0, c0a);
            c0b = av.fma(b1, c0b);
            av = FloatVector.broadcast(S, a[a1 + p]);
            c1a = av.fma(b0, c1a);
            c1b = av.fma(b1, c1b);
            av = FloatVector.broadcast(S, a[a2 + p]);
            c2a = av.fma(b0, c2a);
            c2b = av.fma(b1, c2b);
            av = FloatVector.broadcast(S, a[a3 + p]);
            c3a = av.fma(b0, c3a);
            c3b = av.fma(b1, c3b);
            av = FloatVector.broadcast(S, a[a4 + p]);
            c4a = av.fma(b0, c4a);
            c4b = av.fma(b1, c4b);
            av = FloatVector.broadcast(S, a[a5 + p]);
            c5a = av.fma(b0, c5a);
            c5b = av.fma(b1, c5b);
            av = FloatVector.broadcast(S, a[a6 + p]);
            c6a = av.fma(b0, c6a);
            c6b = av.fma(b1, c6b);
            av = FloatVector.broadcast(S, a[a7 + p]);
            c7a = av.fma(b0, c7a);
            c7b = av.fma(b1, c7b);
            av = FloatVector.broadcast(S, a[a8 + p]);
            c8a = av.fma(b0, c8a);
            c8b = av.fma(b1, c8b);
            av = FloatVector.broadcast(S, a[a9 + p]);
            c9a = av.fma(b0, c9a);
            c9b = av.fma(b1, c9b);
            av = FloatVector.broadcast(S, a[a10 + p]);
            c10a = av.fma(b0, c10a);
            c10b = av.fma(b1, c10b);
            av = FloatVector.broadcast(S, a[a11 + p]);
            c11a = av.fma(b0, c11a);
            c11b = av.fma(b1, c11b);
        }
        c0a.intoArray(d, dIdx); c0b.intoArray(d, dIdx + V); dIdx += ldd;
        c1a.intoArray(d, dIdx); c1b.intoArray(d, dIdx + V); dIdx += ldd;
        c2a.intoArray(d, dIdx); c2b.intoArray(d, dIdx + V); dIdx += ldd;
        c3a.intoArray(d, dIdx); c3b.intoArray(d, dIdx + V); dIdx += ldd;
        c4a.intoArray(d, dIdx); c4b.intoArray(d, dIdx + V); dIdx += ldd;
        c5a.intoArray(d, dIdx); c5b.intoArray(d, dIdx + V); dIdx += ldd;
        c6a.intoArray(d, dIdx); c6b.intoArray(d, dIdx + V); dIdx += ldd;
        c7a.intoArray(d, dIdx); c7b.intoArray(d, dIdx + V); dIdx += ldd;
        c8a.intoArray(d, dIdx); c8b.intoArray(d, dIdx + V); dIdx += ldd;
        c9a.intoArray(d, dIdx); c9b.intoArray(d, dIdx + V); dIdx += ldd;
        c10a.intoArray(d, dIdx); c10b.intoArray(d, dIdx + V); dIdx += ldd;
        c11a.intoArray(d, dIdx); c11b.intoArray(d, dIdx + V);
    }
}
