package dev.fovea.ops;

import dev.fovea.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

import static dev.fovea.ops.ConvTiles.R;
import static dev.fovea.ops.ConvTiles.V;

/**
 * Convolution as an implicit GEMM on NHWC data: the {@link ConvTiles} kernels read each window in
 * place, so nothing is lowered to a column matrix (for the course-notes model's second layer that
 * matrix is 9 MB per batch, written, packed and read again every step). Two passes:
 * <ul>
 *   <li>forward: out (N*OH*OW, F) = windows (N*OH*OW, K) · kernel (K, F), bias as the starting
 *       value and ReLU applied to each tile while it is in L1;</li>
 *   <li>kernel gradient: dKernel (K, F) += windowsᵀ · dy, image by image so each image's dy
 *       stays in cache across the tap tiles; per-slice partial sums added in a fixed order.</li>
 * </ul>
 * The input gradient is {@link BlockedInputGrad}'s. (A transposed convolution through these same
 * kernels, on dy zero-bordered and the kernel flipped, measured 40-70% slower: it multiplies the
 * zero border too.)
 * A padded layer's input is first copied into a zero-bordered buffer (borders written once), so the
 * kernels never test bounds. One instance serves one layer; forward must precede its backward.
 */
final class DirectConv2D {
    private static final VectorSpecies<Float> S = ConvTiles.S;

    /** Per-thread tile scratch: window bases and tap offsets of the tile, and an output tile for edges. */
    private static final class Scratch {
        final int[] base = new int[R];
        final int[] off = new int[R];
        float[] tile = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final ForwardJob forwardJob = new ForwardJob();
    private final KernelGradJob gradJob = new KernelGradJob();
    private final BorderCopy padInput = new BorderCopy();
    private DirectPlane plane;        // the forward's windows
    private float[] source;           // what the last forward read: x, or its padded copy
    private float[] wideKernel = new float[0], wideBias = new float[0];
    private int[] tapOffsets = new int[0];
    private float[] partials = new float[0];

    /** out (N, OH, OW, F) = x (N, H, W, C) * kernel (KH, KW, C, F) + bias (F, nullable), then ReLU if asked. */
    void forward(float[] out, float[] x, float[] kernel, float[] bias, boolean relu, int n, int c, int f, WindowGeometry g) {
        int hs = (g.outH() - 1) * g.strideH() + g.kH(), ws = (g.outW() - 1) * g.strideW() + g.kW();
        boolean pads = g.padTop() > 0 || g.padLeft() > 0 || hs > g.inH() || ws > g.inW();
        if (pads) {
            source = padInput.copy(x, n, g.inH(), g.inW(), c, hs, ws, g.padTop(), g.padLeft());
        } else {
            // Valid windows: read x itself, whose rows are inW wide (trailing rows and columns no
            // window reaches are simply never read).
            hs = g.inH();
            ws = g.inW();
            source = x;
        }
        plane = plane(plane, hs, ws, c, g.kH(), g.kW(), g.strideH(), g.strideW(), g.outH(), g.outW());
        int fPad = roundUp(f, V);
        float[] w = kernel, init = bias;
        if (fPad != f) {
            // Kernel and bias rows widened to whole vectors, so the kernels never load past an array's end.
            int k = plane.taps();
            if (wideKernel.length < k * fPad) wideKernel = new float[k * fPad];
            for (int t = 0; t < k; t++) System.arraycopy(kernel, t * f, wideKernel, t * fPad, f);
            w = wideKernel;
            if (bias != null) {
                if (wideBias.length < fPad) wideBias = new float[fPad];
                System.arraycopy(bias, 0, wideBias, 0, f);
                init = wideBias;
            }
        }
        forwardJob.run(plane, source, w, fPad, f, init, relu, out, n);
    }

    /**
     * dKernel (KH, KW, C, F) += Σ window ⊗ dy; dBias (F, nullable) += Σ dy; dy is (N, OH, OW, F).
     * With {@code setKernel} ({@code setBias}) the sums overwrite instead of adding.
     */
    void backwardKernel(float[] dKernel, float[] dBias, float[] dy, int n, int f, boolean setKernel, boolean setBias) {
        DirectPlane p = plane;
        int k = p.taps(), kPad = ceilDiv(k, R) * R;
        if (tapOffsets.length < kPad) tapOffsets = new int[kPad];
        for (int t = 0; t < kPad; t++) tapOffsets[t] = t < k ? p.tapOffset(t) : 0;   // padding taps re-read tap 0
        int fPad = roundUp(f, V);
        int slice = (kPad + 1) * fPad;  // kPad rows of kernel gradient, then one of bias gradient
        // A few slices per thread, so a thread that loses its core holds up only a small share.
        int chunks = Math.max(1, Math.min(4 * Parallel.threads(), n));
        if (partials.length < chunks * slice) partials = new float[chunks * slice];
        gradJob.run(p, source, tapOffsets, kPad, dy, f, fPad, n, chunks, partials, slice);
        if (setKernel) Arrays.fill(dKernel, 0, k * f, 0f);
        if (setBias && dBias != null) Arrays.fill(dBias, 0, f, 0f);
        for (int chunk = 0; chunk < chunks; chunk++) {
            int base = chunk * slice;
            for (int t = 0; t < k; t++) {
                for (int j = 0; j < f; j++) dKernel[t * f + j] += partials[base + t * fPad + j];
            }
            if (dBias != null) for (int j = 0; j < f; j++) dBias[j] += partials[base + kPad * fPad + j];
        }
    }

    private static DirectPlane plane(DirectPlane cached, int hs, int ws, int cs, int kh, int kw, int sh, int sw, int oh, int ow) {
        if (cached != null && cached.sameAs(hs, ws, cs, kh, kw, sh, sw, oh, ow)) return cached;
        return new DirectPlane(hs, ws, cs, kh, kw, sh, sw, oh, ow);
    }

    static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    static int roundUp(int a, int to) { return ceilDiv(a, to) * to; }

    /** Forward tiles: 12 consecutive output pixels (across rows and images) per tile. */
    private static final class ForwardJob implements Parallel.RangeBody {
        private DirectPlane p;
        private float[] src, w, init, out;
        private int ws, fo, pixels;
        private boolean relu;

        /** w (taps, ws) and init (ws, nullable) are at least fo rounded up to whole vectors wide. */
        void run(DirectPlane p, float[] src, float[] w, int ws, int fo, float[] init, boolean relu, float[] out, int n) {
            this.p = p; this.src = src; this.w = w; this.ws = ws; this.fo = fo; this.init = init; this.relu = relu; this.out = out;
            this.pixels = n * p.outH * p.outW;
            try {
                // At least about 2^18 multiply-adds a chunk: below that a hand-off costs more than it saves.
                Parallel.forRange(ceilDiv(pixels, R), Math.max(1, (1 << 18) / (R * p.taps() * fo)), this);
            } finally {
                this.src = null; this.w = null; this.init = null; this.out = null;
            }
        }

        @Override public void run(int t0, int t1) {
            Scratch s = SCRATCH.get();
            int[] base = s.base;
            int ohw = p.outH * p.outW, image = p.imageSize();
            int pix = t0 * R;
            int b = pix / ohw, local = pix % ohw;
            for (int t = t0; t < t1; t++) {
                int p0 = t * R, valid = Math.min(R, pixels - p0);
                for (int r = 0; r < valid; r++) {
                    base[r] = b * image + p.pixelBase[local];
                    if (++local == ohw) {
                        local = 0;
                        b++;
                    }
                }
                for (int r = valid; r < R; r++) base[r] = base[valid - 1];   // an edge tile repeats its last pixel
                // A tile goes through scratch when it is short, or when its masked stores would
                // reach past the array's end (a masked store out of bounds leaves the intrinsic).
                if (valid == R && (fo % V == 0 || (p0 + R) * fo + V <= out.length)) {
                    columns(base, out, p0 * fo);
                } else {
                    if (s.tile.length < R * fo + V) s.tile = new float[R * fo + V];
                    columns(base, s.tile, 0);
                    System.arraycopy(s.tile, 0, out, p0 * fo, valid * fo);
                }
                if (relu) relu(out, p0 * fo, (p0 + valid) * fo);
            }
        }

        private void columns(int[] base, float[] dst, int o) {
            int rowStride = p.rowStride(), kwc = p.rowTaps();
            int j = 0;
            for (; j + 2 * V <= fo; j += 2 * V) ConvTiles.forward(src, base, rowStride, p.kh, kwc, w, ws, fo, j, init, dst, o);
            for (; j < fo; j += V) ConvTiles.forward1(src, base, rowStride, p.kh, kwc, w, ws, fo, j, init, dst, o);
        }

        private static void relu(float[] a, int from, int to) {
            int i = from;
            for (int upper = from + S.loopBound(to - from); i < upper; i += V) {
                FloatVector.fromArray(S, a, i).max(0f).intoArray(a, i);
            }
            for (; i < to; i++) a[i] = Math.max(0f, a[i]);
        }
    }

    /**
     * Kernel-gradient chunks: a run of whole images per chunk, into that chunk's slice of partials
     * (rows fPad wide). When F is not a whole number of vectors, each image's dy is first copied
     * into rows of fPad floats, so the kernels load whole vectors only.
     */
    private static final class KernelGradJob implements Parallel.RangeBody {
        private DirectPlane p;
        private float[] src, dy, partials;
        private int[] off;
        private int kPad, fo, fPad, n, chunks, slice;

        void run(DirectPlane p, float[] src, int[] off, int kPad, float[] dy, int fo, int fPad, int n, int chunks,
                 float[] partials, int slice) {
            this.p = p; this.src = src; this.off = off; this.kPad = kPad; this.dy = dy; this.fo = fo; this.fPad = fPad;
            this.n = n; this.chunks = chunks; this.partials = partials; this.slice = slice;
            try {
                Parallel.forRange(chunks, 1, this);
            } finally {
                this.src = null; this.dy = null;
            }
        }

        @Override public void run(int c0, int c1) {
            Scratch s = SCRATCH.get();
            int[] tileOff = s.off;
            int ohw = p.outH * p.outW, image = p.imageSize();
            int xRowStep = p.strideH * p.rowStride(), xStep = p.strideW * p.cs;
            for (int chunk = c0; chunk < c1; chunk++) {
                int base = chunk * slice;
                Arrays.fill(partials, base, base + slice, 0f);
                for (int b = (int) ((long) n * chunk / chunks); b < (int) ((long) n * (chunk + 1) / chunks); b++) {
                    int xImg = b * image;
                    float[] g = dy;
                    int gImg = b * ohw * fo;
                    if (fPad != fo) {
                        if (s.tile.length < ohw * fPad) s.tile = new float[ohw * fPad];
                        for (int r = 0; r < ohw; r++) System.arraycopy(dy, gImg + r * fo, s.tile, r * fPad, fo);
                        g = s.tile;
                        gImg = 0;
                    }
                    // Column tiles outside, taps inside: the image's dy columns of one tile stay in
                    // L1 while all the tap tiles pass over them.
                    for (int j = 0; j < fPad; j += 2 * V) {
                        for (int t0 = 0; t0 < kPad; t0 += R) {
                            System.arraycopy(off, t0, tileOff, 0, R);
                            int dk = base + t0 * fPad;
                            if (j + 2 * V <= fPad) {
                                ConvTiles.kernelGrad(src, xImg, xRowStep, xStep, tileOff, g, gImg, p.outH, p.outW, fPad, j, partials, dk);
                            } else {
                                ConvTiles.kernelGrad1(src, xImg, xRowStep, xStep, tileOff, g, gImg, p.outH, p.outW, fPad, j, partials, dk);
                            }
                        }
                    }
                    biasSums(g, gImg, ohw, base + kPad * fPad);
                }
            }
        }

        /** partials[at ..+fPad) += Σ of rows g[gImg + r*fPad ..+fPad), r < rows. */
        private void biasSums(float[] g, int gImg, int rows, int at) {
            for (int j = 0; j < fPad; j += V) {
                FloatVector acc = FloatVector.fromArray(S, partials, at + j);
                for (int r = 0; r < rows; r++) acc = acc.add(FloatVector.fromArray(S, g, gImg + r * fPad + j));
                acc.intoArray(partials, at + j);
            }
        }
    }

    /**
     * A zero-bordered copy of (N, h, w, c) data as (N, hp, wp, c) with the data at (top, left).
     * Borders are zeroed when the buffer is (re)made; later copies write the interior only.
     */
    private static final class BorderCopy implements Parallel.RangeBody {
        private float[] buf = new float[0];
        private int n, h, w, c, hp, wp, top, left;
        private float[] from;

        float[] copy(float[] x, int n, int h, int w, int c, int hp, int wp, int top, int left) {
            if (n != this.n || h != this.h || w != this.w || c != this.c || hp != this.hp || wp != this.wp
                    || top != this.top || left != this.left) {
                if (buf.length < n * hp * wp * c) buf = new float[n * hp * wp * c];
                else Arrays.fill(buf, 0f);
                this.n = n; this.h = h; this.w = w; this.c = c; this.hp = hp; this.wp = wp; this.top = top; this.left = left;
            }
            from = x;
            try {
                Parallel.forRange(n, 4, this);
            } finally {
                from = null;
            }
            return buf;
        }

        @Override public void run(int b0, int b1) {
            int rows = Math.min(h, hp - top), cols = Math.min(w, wp - left) * c;
            for (int b = b0; b < b1; b++) {
                for (int y = 0; y < rows; y++) {
                    System.arraycopy(from, ((b * h + y) * w) * c, buf, ((b * hp + y + top) * wp + left) * c, cols);
                }
            }
        }
    }
}
