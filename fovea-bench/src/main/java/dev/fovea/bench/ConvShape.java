package dev.fovea.bench;

import dev.fovea.ops.Padding;
import dev.fovea.ops.WindowGeometry;

/**
 * The convolutions the benchmarks time, batch 64, channels last: the two layers of the course-notes
 * CNN on 28x28x1 (W1) and 32x32x3 (W2), and a "same" 3x3 layer as VGG-style networks use.
 */
public enum ConvShape {
    /** W1 conv1: (64, 28, 28, 1) * (3, 3, 1, 32), valid. */
    W1_CONV1(28, 28, 1, 32, Padding.VALID),
    /** W1 conv2: (64, 13, 13, 32) * (3, 3, 32, 64), valid. */
    W1_CONV2(13, 13, 32, 64, Padding.VALID),
    /** W2 conv1: (64, 32, 32, 3) * (3, 3, 3, 32), valid. */
    W2_CONV1(32, 32, 3, 32, Padding.VALID),
    /** W2 conv2: (64, 15, 15, 32) * (3, 3, 32, 64), valid. */
    W2_CONV2(15, 15, 32, 64, Padding.VALID),
    /** A VGG-style block: (64, 28, 28, 32) * (3, 3, 32, 32), same. */
    SAME_28x32(28, 28, 32, 32, Padding.SAME);

    public static final int BATCH = 64;
    public final int h, w, c, f;
    public final WindowGeometry geometry;

    ConvShape(int h, int w, int c, int f, Padding padding) {
        this.h = h;
        this.w = w;
        this.c = c;
        this.f = f;
        this.geometry = WindowGeometry.of(h, w, 3, 3, 1, 1, padding, name());
    }

    public int inputSize() { return BATCH * h * w * c; }
    public int outputSize() { return BATCH * geometry.outH() * geometry.outW() * f; }
    public int kernelSize() { return 9 * c * f; }

    /** GFLOP of one forward pass (2 multiply-adds counted as 2 per tap); each backward pass costs the same. */
    public double gflop() { return 2.0 * BATCH * geometry.outH() * geometry.outW() * 9 * c * f / 1e9; }
}
