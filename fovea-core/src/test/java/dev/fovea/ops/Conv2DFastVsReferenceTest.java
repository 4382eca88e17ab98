package dev.fovea.ops;

import dev.fovea.gradcheck.Close;
import dev.fovea.gradcheck.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The fast convolution ({@link Conv2DOp}: im2col + GEMM, parallel) held equal to the plain-loop
 * {@link Conv2DReference} — forward, dx, dKernel and dBias, relative 1e-4 of each array's scale —
 * on edge shapes and on a seeded sweep of random ones.
 */
class Conv2DFastVsReferenceTest {
    record Shape(int n, int h, int w, int c, int f, int kh, int kw, int sh, int sw, Padding padding, boolean bias) {
        @Override public String toString() {
            return String.format("n%d %dx%dx%d -> %d, kernel %dx%d, strides %dx%d, %s%s", n, h, w, c, f, kh, kw, sh, sw,
                    padding.keras(), bias ? "" : ", no bias");
        }
    }

    static Stream<Shape> edgeShapes() {
        Padding v = Padding.VALID, s = Padding.SAME;
        return Stream.of(
                new Shape(2, 5, 6, 3, 4, 1, 1, 1, 1, v, true),    // 1x1 kernel
                new Shape(1, 4, 4, 1, 1, 1, 1, 2, 2, s, false),   // 1x1, strided, C = F = 1
                new Shape(2, 4, 5, 3, 2, 4, 5, 1, 1, v, true),    // kernel equal to input: one output pixel
                new Shape(1, 3, 3, 2, 5, 3, 3, 1, 1, s, true),    // kernel equal to input, "same"
                new Shape(2, 9, 9, 2, 3, 2, 2, 3, 3, v, true),    // stride larger than kernel: skipped pixels
                new Shape(1, 10, 7, 3, 3, 1, 2, 4, 3, s, true),   // stride larger than kernel, "same"
                new Shape(1, 7, 5, 3, 5, 3, 3, 1, 1, v, true),    // batch 1, odd sizes
                new Shape(3, 6, 6, 2, 3, 2, 2, 1, 1, s, true),    // "same" with an even kernel: pad after only
                new Shape(2, 7, 8, 3, 2, 4, 4, 2, 2, s, false),   // even kernel, strided "same": pad 1 before, 2 after
                new Shape(2, 5, 5, 1, 7, 3, 3, 1, 1, v, true),    // C = 1, F odd
                new Shape(2, 6, 5, 7, 1, 3, 3, 2, 1, s, true),    // C odd, F = 1
                new Shape(1, 1, 1, 3, 2, 1, 1, 1, 1, v, true),    // 1x1 image
                new Shape(1, 1, 1, 3, 2, 3, 3, 2, 2, s, true),    // 1x1 image, 3x3 "same": all but one tap padding
                new Shape(4, 16, 16, 8, 16, 3, 3, 1, 1, s, true), // big enough for GEMM and im2col to split work
                new Shape(3, 20, 13, 5, 9, 5, 3, 2, 3, v, true),
                // Channel counts around the direct kernels' tiles (12 pixels or taps x 2 vectors):
                new Shape(2, 28, 28, 1, 32, 3, 3, 1, 1, v, true),  // the course-notes first layer
                new Shape(3, 13, 13, 32, 64, 3, 3, 1, 1, v, true), // and its second
                new Shape(2, 9, 11, 5, 37, 3, 3, 1, 1, s, true),   // F = 2 vectors + a masked part, "same"
                new Shape(1, 8, 7, 17, 48, 3, 2, 2, 1, s, false), // strided: input gradient by col2im
                new Shape(2, 6, 6, 3, 70, 2, 2, 1, 1, v, true),    // F past 4 vectors, C = 3
                new Shape(1, 3, 5, 40, 16, 3, 3, 1, 1, s, true),   // deep windows, F = one vector
                new Shape(1, 3, 3, 520, 3, 3, 3, 1, 1, s, true));  // deeper than the direct route: im2col + GEMM
    }

    /** Forward with the fused ReLU equals the reference followed by max(0, .). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeShapes")
    void fusedReluMatchesReference(Shape s) {
        SplittableRandom rng = new SplittableRandom(s.toString().hashCode());   // stable across runs
        WindowGeometry g = WindowGeometry.of(s.h, s.w, s.kh, s.kw, s.sh, s.sw, s.padding, s.toString());
        float[] x = TestData.uniform(rng, s.n * s.h * s.w * s.c, 1);
        float[] kernel = TestData.uniform(rng, s.kh * s.kw * s.c * s.f, 1);
        float[] bias = s.bias ? TestData.uniform(rng, s.f, 1) : null;
        int outSize = s.n * g.outH() * g.outW() * s.f;
        float[] yFast = new float[outSize], yRef = new float[outSize];
        new Conv2DOp().forward(yFast, x, kernel, bias, true, s.n, s.c, s.f, g);
        Conv2DReference.forward(yRef, x, kernel, bias, s.n, s.c, s.f, g);
        for (int i = 0; i < outSize; i++) yRef[i] = Math.max(0f, yRef[i]);
        float[] z = new float[outSize];
        Conv2DReference.forward(z, x, kernel, bias, s.n, s.c, s.f, g);
        // Compared on the scale of the pre-activation: a small output can be all zeros after ReLU.
        double scale = Close.maxAbs(TestData.toDouble(z)), worst = 0;
        for (int i = 0; i < outSize; i++) worst = Math.max(worst, Math.abs(yFast[i] - yRef[i]));
        org.junit.jupiter.api.Assertions.assertTrue(worst <= Close.RTOL * scale,
                s + ": forward with ReLU: error " + worst + " > " + Close.RTOL + " x scale " + scale);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeShapes")
    void edgeShapesMatchReference(Shape s) {
        compare(s, new Conv2DOp(), new SplittableRandom(s.hashCode()));
    }

    /**
     * Random shapes, all through ONE Conv2DOp: its buffers grow and are then reused for smaller
     * shapes, which must not leak stale columns from an earlier call into a later one.
     */
    @Test
    void randomShapesMatchReference() {
        SplittableRandom rng = new SplittableRandom(2024);
        Conv2DOp op = new Conv2DOp();
        List<Shape> shapes = new ArrayList<>();
        while (shapes.size() < 80) {
            int kh = 1 + rng.nextInt(5), kw = 1 + rng.nextInt(5);
            int h = 1 + rng.nextInt(12), w = 1 + rng.nextInt(12);
            Padding padding = rng.nextBoolean() ? Padding.SAME : Padding.VALID;
            if (padding == Padding.VALID && (kh > h || kw > w)) continue;
            shapes.add(new Shape(1 + rng.nextInt(3), h, w, 1 + rng.nextInt(6), 1 + rng.nextInt(rng.nextBoolean() ? 7 : 80), kh, kw,
                    1 + rng.nextInt(4), 1 + rng.nextInt(4), padding, rng.nextBoolean()));
        }
        for (Shape s : shapes) compare(s, op, rng);
    }

    private static void compare(Shape s, Conv2DOp fast, SplittableRandom rng) {
        WindowGeometry g = WindowGeometry.of(s.h, s.w, s.kh, s.kw, s.sh, s.sw, s.padding, s.toString());
        float[] x = TestData.uniform(rng, s.n * s.h * s.w * s.c, 1);                  // (N, H, W, C)
        float[] kernel = TestData.uniform(rng, s.kh * s.kw * s.c * s.f, 1);           // (KH, KW, C, F)
        float[] bias = s.bias ? TestData.uniform(rng, s.f, 1) : null;                 // (F)
        int outSize = s.n * g.outH() * g.outW() * s.f;                                // (N, OH, OW, F)
        float[] dy = TestData.uniform(rng, outSize, 1);

        float[] yFast = new float[outSize], yRef = new float[outSize];
        fast.forward(yFast, x, kernel, bias, s.n, s.c, s.f, g);
        Conv2DReference.forward(yRef, x, kernel, bias, s.n, s.c, s.f, g);
        Close.scaled(s + ": forward", yFast, TestData.toDouble(yRef));

        float[] dxFast = TestData.filled(x.length, Float.NaN), dxRef = new float[x.length];
        float[] dkFast = new float[kernel.length], dkRef = new float[kernel.length];
        float[] dbFast = s.bias ? new float[s.f] : null, dbRef = s.bias ? new float[s.f] : null;
        fast.backward(dxFast, dkFast, dbFast, dy, kernel, s.n, s.c, s.f, g);
        Conv2DReference.backward(dxRef, dkRef, dbRef, dy, x, kernel, s.n, s.c, s.f, g);
        Close.scaled(s + ": dx", dxFast, TestData.toDouble(dxRef));
        Close.scaled(s + ": dKernel", dkFast, TestData.toDouble(dkRef));
        if (s.bias) Close.scaled(s + ": dBias", dbFast, TestData.toDouble(dbRef));
    }
}
