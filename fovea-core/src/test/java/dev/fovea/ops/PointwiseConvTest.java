package dev.fovea.ops;

import dev.fovea.gradcheck.Close;
import dev.fovea.gradcheck.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1x1 convolution as GEMM ({@link PointwiseConv}, directly and routed through {@link Conv2DOp})
 * held equal to {@link Conv2DReference}: forward with and without bias and ReLU, and the kernel
 * gradient (overwritten and accumulated), at strides 1 to 3, odd sizes and channel counts on
 * both sides of the routing threshold.
 */
class PointwiseConvTest {
    record Case(int n, int h, int w, int c, int f, int stride, boolean bias) {
        @Override public String toString() {
            return String.format("n%d %dx%dx%d -> %d, stride %d%s", n, h, w, c, f, stride, bias ? "" : ", no bias");
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(1, 7, 7, 160, 37, 1, true),    // deep enough for the GEMM route, F not a vector multiple
                new Case(2, 9, 5, 128, 16, 2, true),    // strided: pixels gathered first; odd sizes
                new Case(1, 11, 10, 200, 3, 3, false),  // stride 3 leaves a partial last step
                new Case(3, 4, 6, 17, 70, 1, true),     // shallow: Conv2DOp keeps the direct kernel
                new Case(1, 1, 1, 300, 5, 1, true),     // one pixel
                new Case(2, 6, 6, 129, 64, 2, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(Case s) {
        SplittableRandom rng = new SplittableRandom(s.toString().hashCode());
        WindowGeometry g = WindowGeometry.of(s.h, s.w, 1, 1, s.stride, s.stride, Padding.VALID, s.toString());
        assertTrue(PointwiseConv.supportsWindow(g), "a 1x1 window without padding");
        assertEquals(s.c >= PointwiseConv.MIN_CHANNELS, PointwiseConv.supports(g, s.c));
        float[] x = TestData.uniform(rng, s.n * s.h * s.w * s.c, 1);
        float[] kernel = TestData.uniform(rng, s.c * s.f, 1);
        float[] bias = s.bias ? TestData.uniform(rng, s.f, 1) : null;
        int outSize = s.n * g.outH() * g.outW() * s.f;
        float[] dy = TestData.uniform(rng, outSize, 1);

        float[] ref = new float[outSize];
        Conv2DReference.forward(ref, x, kernel, bias, s.n, s.c, s.f, g);
        float[] y = TestData.filled(outSize, Float.NaN);
        PointwiseConv.forward(y, x, kernel, bias, false, s.n, s.c, s.f, g);
        Close.scaled(s + ": forward", y, TestData.toDouble(ref));
        float[] relu = TestData.filled(outSize, Float.NaN), refRelu = new float[outSize];
        PointwiseConv.forward(relu, x, kernel, bias, true, s.n, s.c, s.f, g);
        for (int i = 0; i < outSize; i++) refRelu[i] = Math.max(0f, ref[i]);
        Close.scaled(s + ": forward with ReLU", relu, TestData.toDouble(refRelu), Close.RTOL * Close.maxAbs(TestData.toDouble(ref))
                / Math.max(1e-30, Close.maxAbs(TestData.toDouble(refRelu))));

        float[] dkRef = new float[kernel.length], dbRef = new float[s.f];
        Conv2DReference.backward(null, dkRef, dbRef, dy, x, kernel, s.n, s.c, s.f, g);
        float[] dk = TestData.filled(kernel.length, Float.NaN);
        PointwiseConv.backwardKernel(dk, dy, x, true, s.n, s.c, s.f, g);
        Close.scaled(s + ": dKernel overwritten", dk, TestData.toDouble(dkRef));
        float[] dk2 = new float[kernel.length];
        for (int i = 0; i < dk2.length; i++) dk2[i] = 1f;
        PointwiseConv.backwardKernel(dk2, dy, x, false, s.n, s.c, s.f, g);
        double[] plusOne = TestData.toDouble(dkRef);
        for (int i = 0; i < plusOne.length; i++) plusOne[i] += 1;
        Close.scaled(s + ": dKernel accumulated", dk2, plusOne);

        // Routed through Conv2DOp (GEMM or direct by channel count), forward then full backward.
        Conv2DOp op = new Conv2DOp();
        float[] yOp = TestData.filled(outSize, Float.NaN);
        op.forward(yOp, x, kernel, bias, s.n, s.c, s.f, g);
        Close.scaled(s + ": Conv2DOp forward", yOp, TestData.toDouble(ref));
        float[] dx = TestData.filled(x.length, Float.NaN), dxRef = new float[x.length];
        float[] dkOp = new float[kernel.length], dbOp = s.bias ? new float[s.f] : null;
        op.backward(dx, dkOp, dbOp, dy, kernel, s.n, s.c, s.f, g);
        Conv2DReference.backward(dxRef, new float[kernel.length], null, dy, x, kernel, s.n, s.c, s.f, g);
        Close.scaled(s + ": Conv2DOp dx", dx, TestData.toDouble(dxRef));
        Close.scaled(s + ": Conv2DOp dKernel", dkOp, TestData.toDouble(dkRef));
        if (s.bias) Close.scaled(s + ": Conv2DOp dBias", dbOp, TestData.toDouble(dbRef));
    }
}
