package dev.fovea.ops;

import dev.fovea.ops.gemm.Gemm;
import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.VectorSupport;

import java.util.Arrays;

/**
 * 3x3 stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, 2016):
 * each 2x2 block of output pixels comes from a 4x4 input tile in 16 multiplications per channel
 * pair instead of 36, so the multiply-adds drop 2.25x, at the price of transforming input tiles
 * and outputs. NHWC input (N, H, W, C), HWIO kernel (3, 3, C, F), any padding.
 * <ol>
 *   <li>kernel, once per weight version ({@link Weights}): U_ξ (C, F) = (G g Gᵀ)_ξ for the 16
 *       positions ξ of the 4x4 transformed tile;</li>
 *   <li>per block of tiles: V_ξ (tiles, C) = (Bᵀ d B)_ξ of each input tile d (zero outside the image);</li>
 *   <li>16 GEMMs M_ξ (tiles, F) = V_ξ · U_ξ;</li>
 *   <li>out 2x2 block = Aᵀ M A + bias, ReLU if asked; blocks past the output's edge are cut.</li>
 * </ol>
 * Blocks of tiles are independent and split over the worker threads (each with its own scratch),
 * so both cores work on one image. The transforms run over channels, innermost in NHWC, in vector
 * registers ({@link Winograd3x3Vector}) or, without the Vector API, as the plain loops here (the
 * JIT left these scalar: 29% of a 56x56x64 layer's time); the GEMMs are {@link Gemm}'s. Rounding differs from a
 * direct sum by a few ulps of the largest partial (the transforms add and subtract up to four
 * values), within the tests' tolerance. Held equal to {@link Conv2DReference}.
 */
public final class Winograd3x3 {
    /** Scratch floats per thread for a block's V and M (16 positions each): about 2 MB, L2-sized. */
    private static final int BLOCK_FLOATS = 1 << 19;

    private static final class Scratch {
        float[] v = new float[0], m = new float[0], patch = new float[0];
        final int[] offsets = new int[16];
    }

    private static final boolean VECTOR = VectorSupport.available();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Winograd3x3() {}

    /** Whether g is a window this kernel computes: 3x3, stride 1 (any padding). */
    public static boolean supports(WindowGeometry g) {
        return g.kH() == 3 && g.kW() == 3 && g.strideH() == 1 && g.strideW() == 1;
    }

    /** The transformed kernel U (16, C, F) of one layer, rebuilt only when its weight version changes. */
    public static final class Weights {
        private float[] u = new float[0];
        private float[] source;
        private long version = -1;
        private int c, f;

        /** U for kernel (3, 3, C, F) at this version (>= 0): cached when kernel, version and sizes are the last ones. */
        float[] get(float[] kernel, long kernelVersion, int c, int f) {
            if (kernel != source || kernelVersion != version || c != this.c || f != this.f) {
                if (u.length < 16 * c * f) u = new float[16 * c * f];
                transformKernel(u, kernel, c, f);
                source = kernel;
                version = kernelVersion;
                this.c = c;
                this.f = f;
            }
            return u;
        }
    }

    /** u (16, C, F) = G g Gᵀ for each (c, f), from kernel (3, 3, C, F). */
    static void transformKernel(float[] u, float[] kernel, int c, int f) {
        int cf = c * f;
        float[] g = new float[9], gg = new float[12];
        for (int i = 0; i < cf; i++) {
            for (int t = 0; t < 9; t++) g[t] = kernel[t * cf + i];
            // rows: (G g) (4, 3)
            for (int kx = 0; kx < 3; kx++) {
                float g0 = g[kx], g1 = g[3 + kx], g2 = g[6 + kx];
                gg[kx] = g0;
                gg[3 + kx] = 0.5f * (g0 + g1 + g2);
                gg[6 + kx] = 0.5f * (g0 - g1 + g2);
                gg[9 + kx] = g2;
            }
            // columns: (G g) Gᵀ (4, 4)
            for (int r = 0; r < 4; r++) {
                float a0 = gg[3 * r], a1 = gg[3 * r + 1], a2 = gg[3 * r + 2];
                u[(4 * r) * cf + i] = a0;
                u[(4 * r + 1) * cf + i] = 0.5f * (a0 + a1 + a2);
                u[(4 * r + 2) * cf + i] = 0.5f * (a0 - a1 + a2);
                u[(4 * r + 3) * cf + i] = a2;
            }
        }
    }

    /** out (N, OH, OW, F) = x (N, H, W, C) * kernel (3, 3, C, F) + bias (F, nullable), ReLU if asked; u from {@link Weights}. */
    public static void forward(float[] out, float[] x, float[] u, float[] bias, boolean relu, int n, int c, int f, WindowGeometry g) {
        int tilesH = (g.outH() + 1) / 2, tilesW = (g.outW() + 1) / 2;
        int tiles = n * tilesH * tilesW;
        int cap = Math.max(1, BLOCK_FLOATS / (16 * (c + f)));
        int threads = Parallel.threads();
        // Enough blocks for every thread (a few each when there are many tiles), none above the cap.
        int block = Math.max(1, Math.min(cap, ceilDiv(tiles, 2 * threads)));
        int blocks = ceilDiv(tiles, block);
        Parallel.forRange(blocks, 1, (from, to) -> {
            Scratch s = SCRATCH.get();
            for (int bi = from; bi < to; bi++) {
                int t0 = bi * block, t1 = Math.min(tiles, t0 + block);
                runBlock(s, out, x, u, bias, relu, c, f, g, tilesH, tilesW, t0, t1);
            }
        });
    }

    private static void runBlock(Scratch s, float[] out, float[] x, float[] u, float[] bias, boolean relu, int c, int f,
                                 WindowGeometry g, int tilesH, int tilesW, int t0, int t1) {
        int nt = t1 - t0;
        if (s.v.length < 16 * nt * c) s.v = new float[16 * nt * c];
        if (s.m.length < 16 * nt * f) s.m = new float[16 * nt * f];
        if (s.patch.length < 16 * c) s.patch = new float[16 * c];
        float[] v = s.v, m = s.m;
        int perImage = tilesH * tilesW;
        for (int t = t0; t < t1; t++) {
            int b = t / perImage, r = t % perImage, ty = r / tilesW, tx = r % tilesW;
            int iy0 = 2 * ty - g.padTop(), ix0 = 2 * tx - g.padLeft();
            float[] src = tileSource(s, x, b, iy0, ix0, c, g);
            if (VECTOR) Winograd3x3Vector.inputTile(v, (t - t0) * c, nt * c, src, s.offsets, c);
            else inputTile(v, (t - t0) * c, nt * c, src, s.offsets, 0, c);
        }
        for (int xi = 0; xi < 16; xi++) {
            Gemm.gemm(false, false, nt, f, c, v, xi * nt * c, c, u, xi * c * f, f, 0f, m, xi * nt * f, f);
        }
        for (int t = t0; t < t1; t++) {
            int b = t / perImage, r = t % perImage, ty = r / tilesW, tx = r % tilesW;
            int y00 = ((b * g.outH() + 2 * ty) * g.outW() + 2 * tx) * f;
            boolean right = 2 * tx + 1 < g.outW(), below = 2 * ty + 1 < g.outH();
            if (VECTOR) Winograd3x3Vector.outputTile(out, y00, f, g.outW() * f, right, below, m, (t - t0) * f, nt * f, bias, relu);
            else outputTile(out, y00, f, g.outW() * f, right, below, m, (t - t0) * f, nt * f, bias, relu, 0, f);
        }
    }

    /**
     * Sets s.offsets to where the 16 input pixels of the tile at (iy0, ix0) start, and returns the
     * array they are in: x itself for a tile inside the image, else s.patch with the tile copied
     * in and zeros outside the image.
     */
    private static float[] tileSource(Scratch s, float[] x, int b, int iy0, int ix0, int c, WindowGeometry g) {
        int[] off = s.offsets;
        int img = b * g.inH() * g.inW();
        if (iy0 >= 0 && ix0 >= 0 && iy0 + 4 <= g.inH() && ix0 + 4 <= g.inW()) {
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) off[4 * i + j] = (img + (iy0 + i) * g.inW() + ix0 + j) * c;
            return x;
        }
        float[] p = s.patch;
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) {
                int k = 4 * i + j, iy = iy0 + i, ix = ix0 + j;
                off[k] = k * c;
                if (iy < 0 || iy >= g.inH() || ix < 0 || ix >= g.inW()) Arrays.fill(p, k * c, (k + 1) * c, 0f);
                else System.arraycopy(x, (img + iy * g.inW() + ix) * c, p, k * c, c);
            }
        return p;
    }

    /** v[ξ*stride + at + c] = (Bᵀ d B)_ξ for channels [c0, c1), d_k at src[off[k] + c]. */
    static void inputTile(float[] v, int at, int stride, float[] src, int[] off, int c0, int c1) {
        int o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3], o4 = off[4], o5 = off[5], o6 = off[6], o7 = off[7];
        int o8 = off[8], o9 = off[9], o10 = off[10], o11 = off[11], o12 = off[12], o13 = off[13], o14 = off[14], o15 = off[15];
        for (int ci = c0; ci < c1; ci++) {
            // Bᵀ d: rows 0 - 2, 1 + 2, 2 - 1, 1 - 3, for each of the 4 columns.
            float d00 = src[o0 + ci], d01 = src[o1 + ci], d02 = src[o2 + ci], d03 = src[o3 + ci];
            float d10 = src[o4 + ci], d11 = src[o5 + ci], d12 = src[o6 + ci], d13 = src[o7 + ci];
            float d20 = src[o8 + ci], d21 = src[o9 + ci], d22 = src[o10 + ci], d23 = src[o11 + ci];
            float d30 = src[o12 + ci], d31 = src[o13 + ci], d32 = src[o14 + ci], d33 = src[o15 + ci];
            float r00 = d00 - d20, r01 = d01 - d21, r02 = d02 - d22, r03 = d03 - d23;
            float r10 = d10 + d20, r11 = d11 + d21, r12 = d12 + d22, r13 = d13 + d23;
            float r20 = d20 - d10, r21 = d21 - d11, r22 = d22 - d12, r23 = d23 - d13;
            float r30 = d10 - d30, r31 = d11 - d31, r32 = d12 - d32, r33 = d13 - d33;
            // (Bᵀ d) B: the same on each row's columns.
            int p = at + ci;
            v[p] = r00 - r02; v[p + stride] = r01 + r02; v[p + 2 * stride] = r02 - r01; v[p + 3 * stride] = r01 - r03;
            p += 4 * stride;
            v[p] = r10 - r12; v[p + stride] = r11 + r12; v[p + 2 * stride] = r12 - r11; v[p + 3 * stride] = r11 - r13;
            p += 4 * stride;
            v[p] = r20 - r22; v[p + stride] = r21 + r22; v[p + 2 * stride] = r22 - r21; v[p + 3 * stride] = r21 - r23;
            p += 4 * stride;
            v[p] = r30 - r32; v[p + stride] = r31 + r32; v[p + 2 * stride] = r32 - r31; v[p + 3 * stride] = r31 - r33;
        }
    }

    /**
     * Channels [j0, j1) of a 2x2 output block whose top-left pixel starts at y00 (rows rowStride
     * apart) = Aᵀ M A (+ bias, ReLU), M_ξ at m[ξ*stride + at + j]; the right column and bottom row
     * are written only when inside the output.
     */
    static void outputTile(float[] out, int y00, int f, int rowStride, boolean right, boolean below, float[] m, int at, int stride,
                           float[] bias, boolean relu, int j0, int j1) {
        int y01 = y00 + f, y10 = y00 + rowStride, y11 = y10 + f;
        for (int j = j0; j < j1; j++) {
            int p = at + j;
            float m0 = m[p], m1 = m[p + stride], m2 = m[p + 2 * stride], m3 = m[p + 3 * stride];
            float m4 = m[p + 4 * stride], m5 = m[p + 5 * stride], m6 = m[p + 6 * stride], m7 = m[p + 7 * stride];
            float m8 = m[p + 8 * stride], m9 = m[p + 9 * stride], m10 = m[p + 10 * stride], m11 = m[p + 11 * stride];
            float m12 = m[p + 12 * stride], m13 = m[p + 13 * stride], m14 = m[p + 14 * stride], m15 = m[p + 15 * stride];
            // Aᵀ M: rows 0 + 1 + 2 and 1 - 2 - 3.
            float s0 = m0 + m4 + m8, s1 = m1 + m5 + m9, s2 = m2 + m6 + m10, s3 = m3 + m7 + m11;
            float t0 = m4 - m8 - m12, t1 = m5 - m9 - m13, t2 = m6 - m10 - m14, t3 = m7 - m11 - m15;
            float bj = bias == null ? 0f : bias[j];
            float a = s0 + s1 + s2 + bj, bb = s1 - s2 - s3 + bj, cc = t0 + t1 + t2 + bj, d = t1 - t2 - t3 + bj;
            if (relu) {
                a = Math.max(0f, a); bb = Math.max(0f, bb); cc = Math.max(0f, cc); d = Math.max(0f, d);
            }
            out[y00 + j] = a;
            if (right) out[y01 + j] = bb;
            if (below) {
                out[y10 + j] = cc;
                if (right) out[y11 + j] = d;
            }
        }
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
}
