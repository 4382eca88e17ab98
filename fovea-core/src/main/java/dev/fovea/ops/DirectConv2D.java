package dev.fovea.ops;

import dev.fovea.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution computed directly on NHWC data, for filters with few taps (K = KH*KW*C small, as
 * the first layer of an image CNN: 3x3x1 or 3x3x3). There the im2col+GEMM route spends more time
 * lowering and packing than multiplying (K = 9 is far below a GEMM's blocking depth); here each
 * output pixel is a few broadcast-and-FMA steps over vectors of output channels.
 */
final class DirectConv2D {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Taps up to which the direct kernels beat im2col+GEMM (measured on 3x3x1 and 3x3x3). */
    static final int MAX_TAPS = 32;

    private float[] partials = new float[0];   // (threads, K, F) per-thread kernel-gradient sums

    /** out (N, OH, OW, F) = x (N, H, W, C) * kernel (KH, KW, C, F) + bias (F, nullable). */
    void forward(float[] out, float[] x, float[] kernel, float[] bias, int n, int c, int f, WindowGeometry g) {
        int rows = n * g.outH();
        Parallel.forRange(rows, 4, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / g.outH(), oy = row % g.outH();
                for (int ox = 0; ox < g.outW(); ox++) {
                    pixelForward(out, ((b * g.outH() + oy) * g.outW() + ox) * f, x, b, oy, ox, kernel, bias, c, f, g);
                }
            }
        });
    }

    private static void pixelForward(float[] out, int o, float[] x, int b, int oy, int ox, float[] kernel, float[] bias,
                                     int c, int f, WindowGeometry g) {
        for (int j = 0; j < f; j += S.length()) {
            VectorMask<Float> m = S.indexInRange(j, f);
            FloatVector acc = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j, m);
            for (int ky = 0; ky < g.kH(); ky++) {
                int iy = oy * g.strideH() - g.padTop() + ky;
                if (iy < 0 || iy >= g.inH()) continue;
                for (int kx = 0; kx < g.kW(); kx++) {
                    int ix = ox * g.strideW() - g.padLeft() + kx;
                    if (ix < 0 || ix >= g.inW()) continue;
                    int xi = ((b * g.inH() + iy) * g.inW() + ix) * c;
                    int ki = (ky * g.kW() + kx) * c * f + j;
                    for (int ci = 0; ci < c; ci++) {
                        acc = FloatVector.fromArray(S, kernel, ki + ci * f, m).fma(FloatVector.broadcast(S, x[xi + ci]), acc);
                    }
                }
            }
            acc.intoArray(out, o + j, m);
        }
    }

    /**
     * dKernel (KH, KW, C, F) += Σ over output pixels of window ⊗ dy; dBias (F) += Σ dy. Images are
     * split over threads, each summing into its own slice of partials, added in a fixed order so
     * the result does not depend on scheduling.
     */
    void backwardKernel(float[] dKernel, float[] dBias, float[] dy, float[] x, int n, int c, int f, WindowGeometry g) {
        int k = g.kH() * g.kW() * c;
        int slice = (k + 1) * f;   // K rows of kernel gradient and one row of bias gradient
        int chunks = Math.max(1, Math.min(Parallel.threads(), n));
        if (partials.length < chunks * slice) partials = new float[chunks * slice];
        float[] part = partials;
        java.util.Arrays.fill(part, 0, chunks * slice, 0f);
        Parallel.forRange(chunks, 1, (c0, c1) -> {
            for (int chunk = c0; chunk < c1; chunk++) {
                int base = chunk * slice;
                for (int b = (int) ((long) n * chunk / chunks); b < (int) ((long) n * (chunk + 1) / chunks); b++) {
                    for (int oy = 0; oy < g.outH(); oy++) {
                        for (int ox = 0; ox < g.outW(); ox++) {
                            pixelKernelGrad(part, base, dy, ((b * g.outH() + oy) * g.outW() + ox) * f, x, b, oy, ox, c, f, k, g);
                        }
                    }
                }
            }
        });
        for (int chunk = 0; chunk < chunks; chunk++) {
            int base = chunk * slice;
            for (int i = 0; i < k * f; i++) dKernel[i] += part[base + i];
            if (dBias != null) for (int j = 0; j < f; j++) dBias[j] += part[base + k * f + j];
        }
    }

    private static void pixelKernelGrad(float[] part, int base, float[] dy, int o, float[] x, int b, int oy, int ox,
                                        int c, int f, int k, WindowGeometry g) {
        for (int j = 0; j < f; j += S.length()) {
            VectorMask<Float> m = S.indexInRange(j, f);
            FloatVector d = FloatVector.fromArray(S, dy, o + j, m);
            int biasAt = base + k * f + j;
            FloatVector.fromArray(S, part, biasAt, m).add(d).intoArray(part, biasAt, m);
            for (int ky = 0; ky < g.kH(); ky++) {
                int iy = oy * g.strideH() - g.padTop() + ky;
                if (iy < 0 || iy >= g.inH()) continue;
                for (int kx = 0; kx < g.kW(); kx++) {
                    int ix = ox * g.strideW() - g.padLeft() + kx;
                    if (ix < 0 || ix >= g.inW()) continue;
                    int xi = ((b * g.inH() + iy) * g.inW() + ix) * c;
                    int ki = base + (ky * g.kW() + kx) * c * f + j;
                    for (int ci = 0; ci < c; ci++) {
                        int at = ki + ci * f;
                        d.fma(FloatVector.broadcast(S, x[xi + ci]), FloatVector.fromArray(S, part, at, m)).intoArray(part, at, m);
                    }
                }
            }
        }
    }
}
