package dev.fovea.ops;

import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.VectorSupport;

/**
 * Max pooling over NHWC windows. Padding cells never win (they act as -infinity, as in
 * TensorFlow), so "same" pooling only ever selects real input values. Forward records, per output
 * element, the flat input index of the winner; backward routes each gradient there. 2x2 windows at
 * stride 2 take the vectorised {@link MaxPool2x2}, which keeps the same semantics.
 */
public final class MaxPool2DOp {
    private int[] argmax = new int[0];   // (N, OH, OW, C): flat index into x of each maximum
    private final MaxPool2x2 pool2x2 = VectorSupport.available() ? new MaxPool2x2() : null;   // null: the plain loops only
    private float[] lastOut;             // (N, OH, OW, C) of the last forward, for the ReLU mask

    /** out (N, OH, OW, C) = max over each window of x (N, H, W, C). */
    public void forward(float[] out, float[] x, int n, int c, WindowGeometry g) {
        lastOut = out;
        if (pool2x2 != null && MaxPool2x2.handles(g)) {
            pool2x2.forward(out, x, n, c, g);
            return;
        }
        int outSize = n * g.outH() * g.outW() * c;
        if (argmax.length < outSize) argmax = new int[outSize];
        int[] arg = argmax;
        Parallel.forRange(n, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    int y0 = g.rowStart(oy);
                    int y1 = g.rowEnd(oy);
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int x0 = g.colStart(ox);
                        int x1 = g.colEnd(ox);
                        int o = ((b * g.outH() + oy) * g.outW() + ox) * c;
                        int first = ((b * g.inH() + y0) * g.inW() + x0) * c;
                        for (int ch = 0; ch < c; ch++) {
                            out[o + ch] = x[first + ch];
                            arg[o + ch] = first + ch;
                        }
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                int i = ((b * g.inH() + iy) * g.inW() + ix) * c;
                                for (int ch = 0; ch < c; ch++) {
                                    float v = x[i + ch];
                                    // Strict '>' keeps the first maximum, as PyTorch does on ties.
                                    if (v > out[o + ch]) {
                                        out[o + ch] = v;
                                        arg[o + ch] = i + ch;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** dx (N, H, W, C) = dy (N, OH, OW, C) routed to the recorded maxima (overwrites dx). */
    public void backward(float[] dx, float[] dy, int n, int c, WindowGeometry g) {
        backward(dx, dy, n, c, g, false);
    }

    /**
     * As {@link #backward(float[], float[], int, int, WindowGeometry)}; with {@code reluMask} (the
     * input is a ReLU output), windows whose maximum is not positive pass no gradient, which is
     * exactly the ReLU's own gradient mask applied to dx, so the ReLU can skip its backward pass.
     */
    public void backward(float[] dx, float[] dy, int n, int c, WindowGeometry g, boolean reluMask) {
        if (pool2x2 != null && MaxPool2x2.handles(g)) {
            pool2x2.backward(dx, dy, lastOut, reluMask, n, c, g);
            return;
        }
        int imageIn = g.inH() * g.inW() * c;
        int imageOut = g.outH() * g.outW() * c;
        int[] arg = argmax;
        float[] out = lastOut;
        // Split by image: an image's maxima all lie inside that image, so threads never collide.
        Parallel.forRange(n, 1, (from, to) -> {
            java.util.Arrays.fill(dx, from * imageIn, to * imageIn, 0f);
            for (int o = from * imageOut; o < to * imageOut; o++) {
                if (!reluMask || out[o] > 0f) dx[arg[o]] += dy[o];
            }
        });
    }
}
