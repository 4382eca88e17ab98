package dev.fovea.ops;

import dev.fovea.ops.gemm.Gemm;
import dev.fovea.tensor.VectorSupport;

/**
 * 2-D convolution, NHWC input and HWIO kernel (Keras layouts), forward and backward side by side.
 * Forward and kernel gradient take one of two routes, chosen per shape:
 * <ul>
 *   <li>{@link DirectConv2D}, an implicit GEMM reading windows in place, when one column tile of
 *       the kernel, K x 32 floats, fits in L2. Measured on the course-notes model it beats
 *       im2col + GEMM 2-4x per pass, mostly by not writing and re-reading a column matrix.</li>
 *   <li>{@link Im2Col} + GEMM: out (N*OH*OW, F) = col (N*OH*OW, KH*KW*C) · kernel (KH*KW*C, F), for
 *       very deep windows.</li>
 * </ul>
 * 1x1 windows that read no padding, on enough input channels, skip both: {@link PointwiseConv}
 * multiplies the NHWC pixels by the kernel directly.
 * The input gradient is always {@link BlockedInputGrad}: GEMM and col2im a few images at a time.
 * One instance serves one layer and forward must precede its backward. Buffers grow once and are
 * reused (no per-step allocation at a fixed batch size).
 */
public final class Conv2DOp {
    /** Deepest window (KH*KW*C) for the direct route: 4608 taps x 32 columns x 4 bytes = 576 KiB. */
    static final int DIRECT_MAX_TAPS = 4608;
    /** Fewest input channels for which Winograd beat the direct kernel on 3x3 stride-1 layers (measured; see Winograd3x3). */
    static final int WINOGRAD_MIN_CHANNELS = 64;
    /** {@code -Dfovea.winograd=false} keeps 3x3 layers on the general route (for side-by-side measurements). */
    private static final boolean WINOGRAD = !"false".equalsIgnoreCase(System.getProperty("fovea.winograd", "true"));

    private float[] col = new float[0];   // (N*OH*OW, KH*KW*C) from the last im2col forward
    private final ColumnSums biasGrad = new ColumnSums();
    private final DirectConv2D direct = VectorSupport.available() ? new DirectConv2D() : null;   // null: im2col + GEMM only
    private final BlockedInputGrad inputGrad = new BlockedInputGrad();
    private boolean lastDirect;
    private float[] pointwiseInput;       // the last forward's input when it ran on PointwiseConv
    private final Winograd3x3.Weights winograd = new Winograd3x3.Weights();
    private float[] winogradInput;        // the last forward's input when it ran on Winograd3x3

    /**
     * out (N, OH, OW, F) = x (N, H, W, C) * kernel (KH, KW, C, F) + bias (F); bias may be null.
     */
    public void forward(float[] out, float[] x, float[] kernel, float[] bias, int n, int c, int f, WindowGeometry g) {
        forward(out, x, kernel, bias, false, n, c, f, g);
    }

    /** As {@link #forward(float[], float[], float[], float[], int, int, int, WindowGeometry)}, then ReLU when {@code relu}. */
    public void forward(float[] out, float[] x, float[] kernel, float[] bias, boolean relu, int n, int c, int f, WindowGeometry g) {
        if (PointwiseConv.supports(g, c)) {
            PointwiseConv.forward(out, x, kernel, bias, relu, n, c, f, g);
            pointwiseInput = x;
            winogradInput = null;
            return;
        }
        forwardGeneral(out, x, kernel, bias, relu, n, c, f, g);
    }

    /**
     * Inference forward: as {@link #forward(float[], float[], float[], float[], boolean, int, int, int, WindowGeometry)},
     * but kernelVersion (the kernel parameter's {@code version()}, or -1 when unknown) lets
     * 3x3 stride-1 layers of at least {@link #WINOGRAD_MIN_CHANNELS} input channels run on
     * {@link Winograd3x3} with their transformed kernel cached until the version changes.
     * Training passes -1; a backward after a Winograd forward (input gradients of an inference
     * pass, as saliency maps take) first redoes the forward on the general route for its state.
     */
    public void forward(float[] out, float[] x, float[] kernel, long kernelVersion, float[] bias, boolean relu,
                        int n, int c, int f, WindowGeometry g) {
        if (WINOGRAD && kernelVersion >= 0 && c >= WINOGRAD_MIN_CHANNELS && Winograd3x3.supports(g)) {
            Winograd3x3.forward(out, x, winograd.get(kernel, kernelVersion, c, f), bias, relu, n, c, f, g);
            pointwiseInput = null;
            winogradInput = x;
            return;
        }
        forward(out, x, kernel, bias, relu, n, c, f, g);
    }

    /** The direct or im2col + GEMM route only, never {@link PointwiseConv} (for comparisons). */
    public void forwardGeneral(float[] out, float[] x, float[] kernel, float[] bias, boolean relu, int n, int c, int f, WindowGeometry g) {
        pointwiseInput = null;
        winogradInput = null;
        int k = g.kH() * g.kW() * c;
        lastDirect = direct != null && k <= DIRECT_MAX_TAPS;
        if (lastDirect) {
            direct.forward(out, x, kernel, bias, relu, n, c, f, g);
            return;
        }
        int m = n * g.outH() * g.outW();
        col = ensure(col, m * k);
        Im2Col.lower(col, x, n, c, g);
        if (bias != null) {
            // Start C at the bias and let GEMM accumulate onto it (beta = 1): bias costs no extra pass.
            for (int r = 0; r < m; r++) System.arraycopy(bias, 0, out, r * f, f);
        }
        Gemm.gemm(false, false, m, f, k, col, 0, k, kernel, 0, f, bias == null ? 0f : 1f, out, 0, f);
        if (relu) ReluOp.forward(out, out, m * f);
    }

    /**
     * Accumulates dKernel (KH, KW, C, F) and dBias (F, nullable); overwrites dx (N, H, W, C) unless
     * it is null (the first layer needs no input gradient). dy is (N, OH, OW, F).
     */
    public void backward(float[] dx, float[] dKernel, float[] dBias, float[] dy, float[] kernel,
                         int n, int c, int f, WindowGeometry g) {
        backward(dx, dKernel, dBias, dy, kernel, n, c, f, g, false, false);
    }

    /** As above, but dKernel (dBias) is overwritten instead of accumulated when {@code setKernel} ({@code setBias}). */
    public void backward(float[] dx, float[] dKernel, float[] dBias, float[] dy, float[] kernel,
                         int n, int c, int f, WindowGeometry g, boolean setKernel, boolean setBias) {
        int m = n * g.outH() * g.outW();
        int k = g.kH() * g.kW() * c;
        if (winogradInput != null) forwardGeneral(new float[m * f], winogradInput, kernel, null, false, n, c, f, g);
        if (pointwiseInput != null) {
            PointwiseConv.backwardKernel(dKernel, dy, pointwiseInput, setKernel, n, c, f, g);
            if (dBias != null) {
                if (setBias) biasGrad.set(dBias, dy, m, f);
                else biasGrad.accumulate(dBias, dy, m, f);
            }
        } else if (lastDirect) {
            direct.backwardKernel(dKernel, dBias, dy, n, f, setKernel, setBias);
        } else {
            if (col.length < m * k) throw new IllegalStateException("Conv2DOp.backward called before forward at this batch size");
            // dKernel (K, F) (+)= colᵀ (K, M) · dy (M, F)
            Gemm.gemm(true, false, k, f, m, col, 0, k, dy, 0, f, setKernel ? 0f : 1f, dKernel, 0, f);
            if (dBias != null) {
                if (setBias) biasGrad.set(dBias, dy, m, f);
                else biasGrad.accumulate(dBias, dy, m, f);
            }
        }
        if (dx != null) inputGrad.run(dx, dy, kernel, n, c, f, g);
    }

    private static float[] ensure(float[] buf, int size) {
        return buf.length >= size ? buf : new float[size];
    }
}
