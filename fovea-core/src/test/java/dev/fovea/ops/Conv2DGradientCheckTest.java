package dev.fovea.ops;

import dev.fovea.gradcheck.Close;
import dev.fovea.gradcheck.DoubleOps;
import dev.fovea.gradcheck.DoubleOps.Axis;
import dev.fovea.gradcheck.DoubleOps.Window;
import dev.fovea.gradcheck.FiniteDifferences;
import dev.fovea.gradcheck.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tier 1 for convolution: the float32 backward of {@link Conv2DOp} (im2col + GEMM) and of
 * {@link Conv2DReference} (plain loops) against central differences of an independent
 * double-precision forward ({@link DoubleOps#conv2d}), with the loss L = Σ w ⊙ y for a random w.
 * Also holds the float forward to the double one and WindowGeometry to TensorFlow's padding rule.
 */
class Conv2DGradientCheckTest {
    record Case(String name, int n, int h, int w, int c, int f, int kh, int kw, int sh, int sw, boolean same, boolean bias) {
        Window window() { return new Window(kh, kw, sh, sw, same); }

        WindowGeometry geometry() {
            return WindowGeometry.of(h, w, kh, kw, sh, sw, same ? Padding.SAME : Padding.VALID, name);
        }

        @Override public String toString() { return name; }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("valid 3x3 stride 1", 2, 6, 5, 3, 4, 3, 3, 1, 1, false, true),
                new Case("valid 3x3 stride 1 no bias", 2, 6, 5, 3, 4, 3, 3, 1, 1, false, false),
                new Case("valid 3x3 stride 2 odd sizes", 2, 7, 7, 3, 4, 3, 3, 2, 2, false, true),
                new Case("valid 3x2 kernel strides 2x3 no bias", 2, 8, 9, 2, 3, 3, 2, 2, 3, false, false),
                new Case("valid stride larger than kernel", 1, 7, 8, 2, 3, 2, 2, 3, 3, false, true),
                new Case("valid kernel equal to input", 2, 4, 5, 3, 3, 4, 5, 1, 1, false, true),
                new Case("valid 1x1 kernel", 2, 4, 4, 5, 3, 1, 1, 1, 1, false, true),
                new Case("valid batch 1, C = F = 1", 1, 5, 5, 1, 1, 3, 3, 1, 1, false, false),
                new Case("same 3x3 stride 1", 2, 5, 6, 2, 3, 3, 3, 1, 1, true, true),
                new Case("same 2x2 (padding after only)", 1, 5, 5, 2, 3, 2, 2, 1, 1, true, true),
                new Case("same 4x4 stride 2 odd sizes (pad 1 before, 2 after)", 2, 7, 9, 3, 2, 4, 4, 2, 2, true, true),
                new Case("same 3x3 stride 3 on 4x5", 1, 4, 5, 2, 2, 3, 3, 3, 3, true, true),
                new Case("same kernel equal to input, no bias", 1, 3, 3, 2, 2, 3, 3, 1, 1, true, false));
    }

    /** The two kernels under test, behind one signature (the fast one keeps state from forward to backward). */
    interface Impl {
        void forward(float[] out, float[] x, float[] kernel, float[] bias, Case k, WindowGeometry g);

        void backward(float[] dx, float[] dKernel, float[] dBias, float[] dy, float[] x, float[] kernel, Case k, WindowGeometry g);
    }

    static final class Fast implements Impl {
        private final Conv2DOp op = new Conv2DOp();

        @Override public void forward(float[] out, float[] x, float[] kernel, float[] bias, Case k, WindowGeometry g) {
            op.forward(out, x, kernel, bias, k.n, k.c, k.f, g);
        }

        @Override public void backward(float[] dx, float[] dKernel, float[] dBias, float[] dy, float[] x, float[] kernel, Case k, WindowGeometry g) {
            op.backward(dx, dKernel, dBias, dy, kernel, k.n, k.c, k.f, g);
        }
    }

    static final class Reference implements Impl {
        @Override public void forward(float[] out, float[] x, float[] kernel, float[] bias, Case k, WindowGeometry g) {
            Conv2DReference.forward(out, x, kernel, bias, k.n, k.c, k.f, g);
        }

        @Override public void backward(float[] dx, float[] dKernel, float[] dBias, float[] dy, float[] x, float[] kernel, Case k, WindowGeometry g) {
            Conv2DReference.backward(dx, dKernel, dBias, dy, x, kernel, k.n, k.c, k.f, g);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void geometryFollowsTensorFlow(Case k) {
        WindowGeometry g = k.geometry();
        Axis rows = k.window().rows(k.h), cols = k.window().cols(k.w);
        assertEquals(rows.out(), g.outH(), "output height");
        assertEquals(cols.out(), g.outW(), "output width");
        assertEquals(rows.before(), g.padTop(), "padding on top");
        assertEquals(cols.before(), g.padLeft(), "padding on the left");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fastKernelMatchesFiniteDifferences(Case k) {
        check(k, new Fast());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referenceKernelMatchesFiniteDifferences(Case k) {
        check(k, new Reference());
    }

    private static void check(Case k, Impl impl) {
        SplittableRandom rng = new SplittableRandom(k.name.hashCode());
        WindowGeometry g = k.geometry();
        Window win = k.window();
        float[] x = TestData.uniform(rng, k.n * k.h * k.w * k.c, 1);                      // (N, H, W, C)
        float[] kernel = TestData.uniform(rng, k.kh * k.kw * k.c * k.f, 1);               // (KH, KW, C, F)
        float[] bias = k.bias ? TestData.uniform(rng, k.f, 1) : null;                     // (F)
        float[] out = new float[k.n * g.outH() * g.outW() * k.f];                         // (N, OH, OW, F)
        float[] w = TestData.uniform(rng, out.length, 1);                                 // dL/dy, same shape

        double[] xd = TestData.toDouble(x), kd = TestData.toDouble(kernel);
        double[] bd = bias == null ? null : TestData.toDouble(bias);
        double[] wd = TestData.toDouble(w);

        impl.forward(out, x, kernel, bias, k, g);
        Close.scaled("forward", out, DoubleOps.conv2d(xd, k.n, k.h, k.w, k.c, kd, bd, k.f, win));

        // dx is documented as overwritten (NaN would survive any accumulation); dKernel and dBias
        // as accumulated, so they start from non-zero values that are subtracted afterwards.
        float[] dx = TestData.filled(x.length, Float.NaN);
        float[] kernelPrior = TestData.uniform(rng, kernel.length, 1);
        float[] dKernel = kernelPrior.clone();
        float[] biasPrior = k.bias ? TestData.uniform(rng, k.f, 1) : null;
        float[] dBias = k.bias ? biasPrior.clone() : null;
        impl.backward(dx, dKernel, dBias, w, x, kernel, k, g);

        Close.scaled("dx", dx, FiniteDifferences.gradient(
                p -> DoubleOps.dot(wd, DoubleOps.conv2d(p, k.n, k.h, k.w, k.c, kd, bd, k.f, win)), xd.clone()));
        double[] dKernelExpected = FiniteDifferences.gradient(
                p -> DoubleOps.dot(wd, DoubleOps.conv2d(xd, k.n, k.h, k.w, k.c, p, bd, k.f, win)), kd.clone());
        Close.scaled("dKernel", TestData.added(dKernel, kernelPrior), dKernelExpected);
        if (k.bias) {
            Close.scaled("dBias", TestData.added(dBias, biasPrior), FiniteDifferences.gradient(
                    p -> DoubleOps.dot(wd, DoubleOps.conv2d(xd, k.n, k.h, k.w, k.c, kd, p, k.f, win)), bd.clone()));
        }

        // The first layer of a model passes dx = null: the parameter gradients must not change.
        float[] dKernelOnly = new float[kernel.length];
        impl.backward(null, dKernelOnly, null, w, x, kernel, k, g);
        Close.scaled("dKernel with dx = null", dKernelOnly, dKernelExpected);
    }
}
