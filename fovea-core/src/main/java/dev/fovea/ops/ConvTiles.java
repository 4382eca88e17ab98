package dev.fovea.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled inner kernels of the direct (implicit-GEMM) convolution: the GEMM micro-kernel's
 * 12 x 2-vector tile, with the im2col matrix read in place from the NHWC input instead of packed.
 * <ul>
 *   <li>{@link #forward}: 12 output pixels x 2 vectors of output channels, summed over the taps.
 *       A window row (fixed ky) is KW*C contiguous floats of x, so the tap loop runs over a
 *       contiguous index q and every access is a loop-invariant base plus q.</li>
 *   <li>{@link #kernelGrad}: 12 taps x 2 vectors of output channels, summed over output pixels
 *       of one image row at a time; each pixel's window sits at a base affine in ox.</li>
 * </ul>
 * Why 12 x 2: 24 accumulators, two weight vectors and one broadcast fit AVX-512's 32 registers,
 * and 14 loads feed 24 FMAs (see dev.fovea.ops.gemm.GemmMicroKernel, which measured this shape
 * best). The {@code 1} variants take one masked vector of columns, for channel counts that are not
 * a multiple of two vectors. The methods stay small so C1 and C2 both compile them (a large
 * vector method can exceed C1 and then run interpreted); bias, ReLU and edges live in the callers.
 */
final class ConvTiles {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int V = S.length();
    /** Pixels (forward) or taps (kernel gradient) per tile. */
    static final int R = 12;

    private ConvTiles() {}

    /**
     * out[o + r*f + j ..+2V) = init[j ..+2V) + Σ_ky Σ_{q < kwc} x[base[r] + ky*rowStride + q] · w[(ky*kwc + q)*ws + j ..]
     * for r < 12; init may be null (zeros). The weight rows are ws >= j + 2V wide.
     */
    static void forward(float[] x, int[] base, int rowStride, int kh, int kwc, float[] w, int ws, int f, int j,
                        float[] init, float[] out, int o) {
        FloatVector i0 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, j);
        FloatVector i1 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, j + V);
        FloatVector c0a = i0, c0b = i1, c1a = i0, c1b = i1, c2a = i0, c2b = i1, c3a = i0, c3b = i1;
        FloatVector c4a = i0, c4b = i1, c5a = i0, c5b = i1, c6a = i0, c6b = i1, c7a = i0, c7b = i1;
        FloatVector c8a = i0, c8b = i1, c9a = i0, c9b = i1, c10a = i0, c10b = i1, c11a = i0, c11b = i1;
        int x0 = base[0], x1 = base[1], x2 = base[2], x3 = base[3], x4 = base[4], x5 = base[5];
        int x6 = base[6], x7 = base[7], x8 = base[8], x9 = base[9], x10 = base[10], x11 = base[11];
        for (int ky = 0; ky < kh; ky++) {
            int r = ky * rowStride, wr = ky * kwc * ws + j;
            for (int q = 0; q < kwc; q++) {
                int wq = wr + q * ws;
                FloatVector w0 = FloatVector.fromArray(S, w, wq), w1 = FloatVector.fromArray(S, w, wq + V);
                FloatVector a;
                a = FloatVector.broadcast(S, x[x0 + r + q]); c0a = a.fma(w0, c0a); c0b = a.fma(w1, c0b);
                a = FloatVector.broadcast(S, x[x1 + r + q]); c1a = a.fma(w0, c1a); c1b = a.fma(w1, c1b);
                a = FloatVector.broadcast(S, x[x2 + r + q]); c2a = a.fma(w0, c2a); c2b = a.fma(w1, c2b);
                a = FloatVector.broadcast(S, x[x3 + r + q]); c3a = a.fma(w0, c3a); c3b = a.fma(w1, c3b);
                a = FloatVector.broadcast(S, x[x4 + r + q]); c4a = a.fma(w0, c4a); c4b = a.fma(w1, c4b);
                a = FloatVector.broadcast(S, x[x5 + r + q]); c5a = a.fma(w0, c5a); c5b = a.fma(w1, c5b);
                a = FloatVector.broadcast(S, x[x6 + r + q]); c6a = a.fma(w0, c6a); c6b = a.fma(w1, c6b);
                a = FloatVector.broadcast(S, x[x7 + r + q]); c7a = a.fma(w0, c7a); c7b = a.fma(w1, c7b);
                a = FloatVector.broadcast(S, x[x8 + r + q]); c8a = a.fma(w0, c8a); c8b = a.fma(w1, c8b);
                a = FloatVector.broadcast(S, x[x9 + r + q]); c9a = a.fma(w0, c9a); c9b = a.fma(w1, c9b);
                a = FloatVector.broadcast(S, x[x10 + r + q]); c10a = a.fma(w0, c10a); c10b = a.fma(w1, c10b);
                a = FloatVector.broadcast(S, x[x11 + r + q]); c11a = a.fma(w0, c11a); c11b = a.fma(w1, c11b);
            }
        }
        int d = o + j;
        c0a.intoArray(out, d); c0b.intoArray(out, d + V); d += f;
        c1a.intoArray(out, d); c1b.intoArray(out, d + V); d += f;
        c2a.intoArray(out, d); c2b.intoArray(out, d + V); d += f;
        c3a.intoArray(out, d); c3b.intoArray(out, d + V); d += f;
        c4a.intoArray(out, d); c4b.intoArray(out, d + V); d += f;
        c5a.intoArray(out, d); c5b.intoArray(out, d + V); d += f;
        c6a.intoArray(out, d); c6b.intoArray(out, d + V); d += f;
        c7a.intoArray(out, d); c7b.intoArray(out, d + V); d += f;
        c8a.intoArray(out, d); c8b.intoArray(out, d + V); d += f;
        c9a.intoArray(out, d); c9b.intoArray(out, d + V); d += f;
        c10a.intoArray(out, d); c10b.intoArray(out, d + V); d += f;
        c11a.intoArray(out, d); c11b.intoArray(out, d + V);
    }

    /**
     * As {@link #forward} for one vector of columns j ..j+V, of which those below f are stored. Weight
     * rows (and init) must be at least j + V wide, so only the stores are masked: a masked load that
     * reaches past its array's end leaves the intrinsic and boxes every vector.
     */
    static void forward1(float[] x, int[] base, int rowStride, int kh, int kwc, float[] w, int ws, int f, int j,
                         float[] init, float[] out, int o) {
        VectorMask<Float> m = S.indexInRange(j, f);
        FloatVector i0 = init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, j);
        FloatVector c0 = i0, c1 = i0, c2 = i0, c3 = i0, c4 = i0, c5 = i0, c6 = i0, c7 = i0, c8 = i0, c9 = i0, c10 = i0, c11 = i0;
        int x0 = base[0], x1 = base[1], x2 = base[2], x3 = base[3], x4 = base[4], x5 = base[5];
        int x6 = base[6], x7 = base[7], x8 = base[8], x9 = base[9], x10 = base[10], x11 = base[11];
        for (int ky = 0; ky < kh; ky++) {
            int r = ky * rowStride, wr = ky * kwc * ws + j;
            for (int q = 0; q < kwc; q++) {
                FloatVector w0 = FloatVector.fromArray(S, w, wr + q * ws);
                c0 = FloatVector.broadcast(S, x[x0 + r + q]).fma(w0, c0);
                c1 = FloatVector.broadcast(S, x[x1 + r + q]).fma(w0, c1);
                c2 = FloatVector.broadcast(S, x[x2 + r + q]).fma(w0, c2);
                c3 = FloatVector.broadcast(S, x[x3 + r + q]).fma(w0, c3);
                c4 = FloatVector.broadcast(S, x[x4 + r + q]).fma(w0, c4);
                c5 = FloatVector.broadcast(S, x[x5 + r + q]).fma(w0, c5);
                c6 = FloatVector.broadcast(S, x[x6 + r + q]).fma(w0, c6);
                c7 = FloatVector.broadcast(S, x[x7 + r + q]).fma(w0, c7);
                c8 = FloatVector.broadcast(S, x[x8 + r + q]).fma(w0, c8);
                c9 = FloatVector.broadcast(S, x[x9 + r + q]).fma(w0, c9);
                c10 = FloatVector.broadcast(S, x[x10 + r + q]).fma(w0, c10);
                c11 = FloatVector.broadcast(S, x[x11 + r + q]).fma(w0, c11);
            }
        }
        int d = o + j;
        c0.intoArray(out, d, m); d += f;
        c1.intoArray(out, d, m); d += f;
        c2.intoArray(out, d, m); d += f;
        c3.intoArray(out, d, m); d += f;
        c4.intoArray(out, d, m); d += f;
        c5.intoArray(out, d, m); d += f;
        c6.intoArray(out, d, m); d += f;
        c7.intoArray(out, d, m); d += f;
        c8.intoArray(out, d, m); d += f;
        c9.intoArray(out, d, m); d += f;
        c10.intoArray(out, d, m); d += f;
        c11.intoArray(out, d, m);
    }

    /**
     * dk[t*f + j ..+2V) += Σ_{oy < rows, ox < ow} x[xImg + oy*xRowStep + ox*xStep + off[t]] ·
     * dy[dyImg + (oy*ow + ox)*f + j ..+2V) for the 12 taps t (dk rows at dkIdx + t*f): one image.
     */
    static void kernelGrad(float[] x, int xImg, int xRowStep, int xStep, int[] off, float[] dy, int dyImg, int rows, int ow,
                           int f, int j, float[] dk, int dkIdx) {
        int d = dkIdx + j;
        FloatVector c0a = FloatVector.fromArray(S, dk, d), c0b = FloatVector.fromArray(S, dk, d + V);
        FloatVector c1a = FloatVector.fromArray(S, dk, d + f), c1b = FloatVector.fromArray(S, dk, d + f + V);
        FloatVector c2a = FloatVector.fromArray(S, dk, d + 2 * f), c2b = FloatVector.fromArray(S, dk, d + 2 * f + V);
        FloatVector c3a = FloatVector.fromArray(S, dk, d + 3 * f), c3b = FloatVector.fromArray(S, dk, d + 3 * f + V);
        FloatVector c4a = FloatVector.fromArray(S, dk, d + 4 * f), c4b = FloatVector.fromArray(S, dk, d + 4 * f + V);
        FloatVector c5a = FloatVector.fromArray(S, dk, d + 5 * f), c5b = FloatVector.fromArray(S, dk, d + 5 * f + V);
        FloatVector c6a = FloatVector.fromArray(S, dk, d + 6 * f), c6b = FloatVector.fromArray(S, dk, d + 6 * f + V);
        FloatVector c7a = FloatVector.fromArray(S, dk, d + 7 * f), c7b = FloatVector.fromArray(S, dk, d + 7 * f + V);
        FloatVector c8a = FloatVector.fromArray(S, dk, d + 8 * f), c8b = FloatVector.fromArray(S, dk, d + 8 * f + V);
        FloatVector c9a = FloatVector.fromArray(S, dk, d + 9 * f), c9b = FloatVector.fromArray(S, dk, d + 9 * f + V);
        FloatVector c10a = FloatVector.fromArray(S, dk, d + 10 * f), c10b = FloatVector.fromArray(S, dk, d + 10 * f + V);
        FloatVector c11a = FloatVector.fromArray(S, dk, d + 11 * f), c11b = FloatVector.fromArray(S, dk, d + 11 * f + V);
        int o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3], o4 = off[4], o5 = off[5];
        int o6 = off[6], o7 = off[7], o8 = off[8], o9 = off[9], o10 = off[10], o11 = off[11];
        for (int oy = 0; oy < rows; oy++) {
            int xRow = xImg + oy * xRowStep, dyRow = dyImg + oy * ow * f;
            for (int ox = 0; ox < ow; ox++) {
                int xi = xRow + ox * xStep, gi = dyRow + ox * f + j;
                FloatVector g0 = FloatVector.fromArray(S, dy, gi), g1 = FloatVector.fromArray(S, dy, gi + V);
                FloatVector a;
                a = FloatVector.broadcast(S, x[o0 + xi]); c0a = a.fma(g0, c0a); c0b = a.fma(g1, c0b);
                a = FloatVector.broadcast(S, x[o1 + xi]); c1a = a.fma(g0, c1a); c1b = a.fma(g1, c1b);
                a = FloatVector.broadcast(S, x[o2 + xi]); c2a = a.fma(g0, c2a); c2b = a.fma(g1, c2b);
                a = FloatVector.broadcast(S, x[o3 + xi]); c3a = a.fma(g0, c3a); c3b = a.fma(g1, c3b);
                a = FloatVector.broadcast(S, x[o4 + xi]); c4a = a.fma(g0, c4a); c4b = a.fma(g1, c4b);
                a = FloatVector.broadcast(S, x[o5 + xi]); c5a = a.fma(g0, c5a); c5b = a.fma(g1, c5b);
                a = FloatVector.broadcast(S, x[o6 + xi]); c6a = a.fma(g0, c6a); c6b = a.fma(g1, c6b);
                a = FloatVector.broadcast(S, x[o7 + xi]); c7a = a.fma(g0, c7a); c7b = a.fma(g1, c7b);
                a = FloatVector.broadcast(S, x[o8 + xi]); c8a = a.fma(g0, c8a); c8b = a.fma(g1, c8b);
                a = FloatVector.broadcast(S, x[o9 + xi]); c9a = a.fma(g0, c9a); c9b = a.fma(g1, c9b);
                a = FloatVector.broadcast(S, x[o10 + xi]); c10a = a.fma(g0, c10a); c10b = a.fma(g1, c10b);
                a = FloatVector.broadcast(S, x[o11 + xi]); c11a = a.fma(g0, c11a); c11b = a.fma(g1, c11b);
            }
        }
        c0a.intoArray(dk, d); c0b.intoArray(dk, d + V); d += f;
        c1a.intoArray(dk, d); c1b.intoArray(dk, d + V); d += f;
        c2a.intoArray(dk, d); c2b.intoArray(dk, d + V); d += f;
        c3a.intoArray(dk, d); c3b.intoArray(dk, d + V); d += f;
        c4a.intoArray(dk, d); c4b.intoArray(dk, d + V); d += f;
        c5a.intoArray(dk, d); c5b.intoArray(dk, d + V); d += f;
        c6a.intoArray(dk, d); c6b.intoArray(dk, d + V); d += f;
        c7a.intoArray(dk, d); c7b.intoArray(dk, d + V); d += f;
        c8a.intoArray(dk, d); c8b.intoArray(dk, d + V); d += f;
        c9a.intoArray(dk, d); c9b.intoArray(dk, d + V); d += f;
        c10a.intoArray(dk, d); c10b.intoArray(dk, d + V); d += f;
        c11a.intoArray(dk, d); c11b.intoArray(dk, d + V);
    }

    /** As {@link #kernelGrad} for one vector of columns j ..j+V (dy and dk rows at least that wide). */
    static void kernelGrad1(float[] x, int xImg, int xRowStep, int xStep, int[] off, float[] dy, int dyImg, int rows, int ow,
                            int f, int j, float[] dk, int dkIdx) {
        int d = dkIdx + j;
        FloatVector c0 = FloatVector.fromArray(S, dk, d), c1 = FloatVector.fromArray(S, dk, d + f);
        FloatVector c2 = FloatVector.fromArray(S, dk, d + 2 * f), c3 = FloatVector.fromArray(S, dk, d + 3 * f);
        FloatVector c4 = FloatVector.fromArray(S, dk, d + 4 * f), c5 = FloatVector.fromArray(S, dk, d + 5 * f);
        FloatVector c6 = FloatVector.fromArray(S, dk, d + 6 * f), c7 = FloatVector.fromArray(S, dk, d + 7 * f);
        FloatVector c8 = FloatVector.fromArray(S, dk, d + 8 * f), c9 = FloatVector.fromArray(S, dk, d + 9 * f);
        FloatVector c10 = FloatVector.fromArray(S, dk, d + 10 * f), c11 = FloatVector.fromArray(S, dk, d + 11 * f);
        int o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3], o4 = off[4], o5 = off[5];
        int o6 = off[6], o7 = off[7], o8 = off[8], o9 = off[9], o10 = off[10], o11 = off[11];
        for (int oy = 0; oy < rows; oy++) {
            int xRow = xImg + oy * xRowStep, dyRow = dyImg + oy * ow * f;
            for (int ox = 0; ox < ow; ox++) {
                int xi = xRow + ox * xStep;
                FloatVector g = FloatVector.fromArray(S, dy, dyRow + ox * f + j);
                c0 = FloatVector.broadcast(S, x[o0 + xi]).fma(g, c0);
                c1 = FloatVector.broadcast(S, x[o1 + xi]).fma(g, c1);
                c2 = FloatVector.broadcast(S, x[o2 + xi]).fma(g, c2);
                c3 = FloatVector.broadcast(S, x[o3 + xi]).fma(g, c3);
                c4 = FloatVector.broadcast(S, x[o4 + xi]).fma(g, c4);
                c5 = FloatVector.broadcast(S, x[o5 + xi]).fma(g, c5);
                c6 = FloatVector.broadcast(S, x[o6 + xi]).fma(g, c6);
                c7 = FloatVector.broadcast(S, x[o7 + xi]).fma(g, c7);
                c8 = FloatVector.broadcast(S, x[o8 + xi]).fma(g, c8);
                c9 = FloatVector.broadcast(S, x[o9 + xi]).fma(g, c9);
                c10 = FloatVector.broadcast(S, x[o10 + xi]).fma(g, c10);
                c11 = FloatVector.broadcast(S, x[o11 + xi]).fma(g, c11);
            }
        }
        c0.intoArray(dk, d); d += f;
        c1.intoArray(dk, d); d += f;
        c2.intoArray(dk, d); d += f;
        c3.intoArray(dk, d); d += f;
        c4.intoArray(dk, d); d += f;
        c5.intoArray(dk, d); d += f;
        c6.intoArray(dk, d); d += f;
        c7.intoArray(dk, d); d += f;
        c8.intoArray(dk, d); d += f;
        c9.intoArray(dk, d); d += f;
        c10.intoArray(dk, d); d += f;
        c11.intoArray(dk, d);
    }
}
