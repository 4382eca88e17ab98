package dev.fovea.ops;

import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.VectorSupport;

/**
 * Depthwise 2-D convolution on NHWC data: every channel convolved with its own KH x KW filter (a
 * grouped convolution with groups = C = F, the middle of every MobileNet and EfficientNet block).
 * Input (N, H, W, C), kernel (KH, KW, 1, C), output (N, OH, OW, C); any stride, dilation and
 * explicit padding.
 *
 * <p>Why its own kernel: as a grouped convolution it is C one-column GEMMs, each on an im2col
 * matrix built one float at a time (on MobileNetV2 that was about 80% of inference). Here the
 * channels, innermost in NHWC, are the vector lanes: one output pixel's C values are KH*KW
 * multiply-adds of contiguous input and kernel rows, with no copy at all. Work is split over
 * output rows, so both cores share a single image.
 *
 * <p>Runs {@link DepthwiseConv2DVector} when the Vector API is present, otherwise
 * {@link DepthwiseConv2DPlain}; both are held equal to {@link GroupedConv2DReference}. Stateless:
 * safe to call from any number of threads at once.
 */
public final class DepthwiseConv2D {
    /** Multiply-adds below which a chunk of rows is not worth handing to another thread. */
    private static final int MIN_CHUNK_MACS = 1 << 15;

    private DepthwiseConv2D() {}

    /** Whether a grouped convolution of c input channels, f filters and these groups is depthwise (multiplier 1). */
    public static boolean supports(int c, int f, int groups) {
        return groups == c && f == c;
    }

    /** out (N, OH, OW, C) = depthwise x (N, H, W, C) conv kernel (KH, KW, 1, C) + bias (C, nullable). */
    public static void forward(float[] out, float[] x, float[] kernel, float[] bias, int n, int c, Window2D g) {
        int rows = n * g.outH();
        int macsPerRow = Math.max(1, g.outW() * c * g.kH() * g.kW());
        boolean vector = VectorSupport.available();
        Parallel.forRange(rows, Math.max(1, MIN_CHUNK_MACS / macsPerRow), (from, to) -> {
            if (vector) DepthwiseConv2DVector.rows(out, x, kernel, bias, c, g, from, to);
            else DepthwiseConv2DPlain.rows(out, x, kernel, bias, c, g, from, to);
        });
    }

    /** First ky whose input row oy*sh - padTop + ky*dh is inside the image. */
    static int firstTap(int start, int dilation) {
        return start >= 0 ? 0 : (-start + dilation - 1) / dilation;
    }

    /** One past the last tap k < taps whose input start + k*dilation is below size. */
    static int endTap(int start, int dilation, int size, int taps) {
        if (start >= size) return 0;
        return Math.min(taps, (size - 1 - start) / dilation + 1);
    }

    /** First output column whose whole window lies inside the input (may be past the last column). */
    static int firstInterior(Window2D g) {
        return Math.min(g.outW(), (g.padLeft() + g.strideW() - 1) / g.strideW());
    }

    /** One past the last output column whose whole window lies inside the input, at least firstInterior. */
    static int endInterior(Window2D g, int first) {
        int lastStart = g.inW() - Window2D.span(g.kW(), g.dilationW()) + g.padLeft();   // ox*sw <= lastStart
        int end = lastStart < 0 ? 0 : Math.min(g.outW(), lastStart / g.strideW() + 1);
        return Math.max(first, end);
    }
}
