package dev.fovea.ops;

import dev.fovea.ops.gemm.Gemm;
import dev.fovea.tensor.Parallel;

/**
 * 1x1 convolution as one GEMM over the NHWC pixels, with no im2col: in NHWC the input (N, H, W, C)
 * already is the matrix (N*H*W, C), and the HWIO kernel (1, 1, C, F) is (C, F), so
 * out (N*OH*OW, F) = x (N*OH*OW, C) · kernel (C, F) (+ bias as GEMM's starting value).
 * A strided layer first gathers the pixels it reads into a per-thread scratch matrix
 * (OH*OW rows of C, a quarter of the input at stride 2). Bottlenecks and MobileNet blocks spend
 * most of their FLOPs here. Stateless: safe from any number of threads at once.
 *
 * <p>The plain oracle is {@link Conv2DReference}; GEMM has its own plain path.
 */
public final class PointwiseConv {
    /**
     * Input channels from which GEMM beats the direct kernel ({@link DirectConv2D}) on 1x1
     * layers. Measured at batch 1 on the ResNet-50 and MobileNetV2 1x1 layers (fastest of about
     * 40 alternating calls, one and two threads, AVX-512): with C >= 128 GEMM took 0.32-0.96x the
     * direct kernel's time (0.35x on 7x7x2048 -> 512, where direct's column tile leaves L2); with
     * C <= 64 it took 1.0-2.1x (1x1 layers of 16-64 channels suit direct's 12-pixel tiles).
     */
    static final int MIN_CHANNELS = 128;

    private static final ThreadLocal<float[][]> GATHERED = ThreadLocal.withInitial(() -> new float[1][0]);

    private PointwiseConv() {}

    /** Whether this 1x1 layer runs here: a 1x1 window that reads no padding, on at least {@link #MIN_CHANNELS} channels. */
    public static boolean supports(WindowGeometry g, int c) {
        return c >= MIN_CHANNELS && supportsWindow(g);
    }

    /** Whether g is a 1x1 window that reads no padding (every output pixel lands on an input pixel): any such layer is correct here. */
    public static boolean supportsWindow(WindowGeometry g) {
        return g.kH() == 1 && g.kW() == 1 && g.padTop() == 0 && g.padLeft() == 0
                && (g.outH() - 1) * g.strideH() < g.inH() && (g.outW() - 1) * g.strideW() < g.inW();
    }

    /** out (N, OH, OW, F) = x (N, H, W, C) * kernel (1, 1, C, F) + bias (F, nullable), then ReLU if asked. */
    public static void forward(float[] out, float[] x, float[] kernel, float[] bias, boolean relu, int n, int c, int f, WindowGeometry g) {
        int m = n * g.outH() * g.outW();
        float[] a = pixels(x, n, c, g);
        if (bias != null) {
            for (int r = 0; r < m; r++) System.arraycopy(bias, 0, out, r * f, f);
        }
        Gemm.gemm(false, false, m, f, c, a, 0, c, kernel, 0, f, bias == null ? 0f : 1f, out, 0, f);
        if (relu) ReluOp.forward(out, out, m * f);
    }

    /**
     * dKernel (1, 1, C, F) (+)= pixels(x)ᵀ (C, M) · dy (M, F): overwritten when {@code set}, else
     * accumulated. x is the input the forward pass read.
     */
    public static void backwardKernel(float[] dKernel, float[] dy, float[] x, boolean set, int n, int c, int f, WindowGeometry g) {
        int m = n * g.outH() * g.outW();
        Gemm.gemm(true, false, c, f, m, pixels(x, n, c, g), 0, c, dy, 0, f, set ? 0f : 1f, dKernel, 0, f);
    }

    /** x itself at stride 1, else the pixels the strided window reads, (N*OH*OW, C) in this thread's scratch. */
    private static float[] pixels(float[] x, int n, int c, WindowGeometry g) {
        if (g.strideH() == 1 && g.strideW() == 1) return x;
        int m = n * g.outH() * g.outW();
        float[][] holder = GATHERED.get();
        if (holder[0].length < m * c) holder[0] = new float[m * c];
        float[] a = holder[0];
        int oh = g.outH(), ow = g.outW();
        Parallel.forRange(n * oh, Math.max(1, 4096 / Math.max(1, ow * c)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int b = r / oh, oy = r % oh;
                int src = ((b * g.inH() + oy * g.strideH()) * g.inW()) * c, dst = r * ow * c;
                for (int ox = 0; ox < ow; ox++) System.arraycopy(x, src + ox * g.strideW() * c, a, dst + ox * c, c);
            }
        });
        return a;
    }
}
