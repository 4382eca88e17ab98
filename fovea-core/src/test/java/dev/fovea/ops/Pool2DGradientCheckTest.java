package dev.fovea.ops;

import dev.fovea.gradcheck.Close;
import dev.fovea.gradcheck.DoubleOps;
import dev.fovea.gradcheck.DoubleOps.Window;
import dev.fovea.gradcheck.FiniteDifferences;
import dev.fovea.gradcheck.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Tier 1 for pooling: {@link MaxPool2DOp} and {@link AvgPool2DOp} backward against central
 * differences of independent double-precision forwards (padding materialised as -inf for max, and
 * a mask of ones to count the real cells for average), with L = Σ w ⊙ y for a random w.
 */
class Pool2DGradientCheckTest {
    record Case(String name, int n, int h, int w, int c, int ph, int pw, int sh, int sw, boolean same) {
        Window window() { return new Window(ph, pw, sh, sw, same); }

        WindowGeometry geometry() {
            return WindowGeometry.of(h, w, ph, pw, sh, sw, same ? Padding.SAME : Padding.VALID, name);
        }

        @Override public String toString() { return name; }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("valid 2x2 stride 2", 2, 6, 6, 3, 2, 2, 2, 2, false),
                new Case("valid 3x3 stride 2 (overlapping windows)", 2, 7, 7, 2, 3, 3, 2, 2, false),
                new Case("valid 2x2 stride 3 (stride larger than pool)", 1, 8, 7, 2, 2, 2, 3, 3, false),
                new Case("valid 3x3 stride 1", 1, 5, 6, 2, 3, 3, 1, 1, false),
                new Case("valid 2x3 strides 1x2", 2, 5, 7, 2, 2, 3, 1, 2, false),
                new Case("valid pool equal to input, batch 1", 1, 3, 4, 2, 3, 4, 1, 1, false),
                new Case("same 2x2 stride 2 odd sizes (pad after)", 2, 5, 7, 3, 2, 2, 2, 2, true),
                new Case("same 3x3 stride 2", 1, 6, 7, 2, 3, 3, 2, 2, true),
                new Case("same 2x3 strides 1x2", 2, 4, 5, 2, 2, 3, 1, 2, true),
                new Case("same 3x3 stride 3 (windows with one real row)", 2, 4, 4, 1, 3, 3, 3, 3, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void maxPoolMatchesFiniteDifferences(Case k) {
        SplittableRandom rng = new SplittableRandom(k.name.hashCode());
        WindowGeometry g = k.geometry();
        // Distinct inputs: no window has two maxima, so the max is differentiable at every point tested.
        float[] x = TestData.distinct(rng, k.n * k.h * k.w * k.c);                       // (N, H, W, C)
        double[] xd = TestData.toDouble(x);
        float[] out = new float[k.n * g.outH() * g.outW() * k.c];                         // (N, OH, OW, C)
        MaxPool2DOp op = new MaxPool2DOp();
        op.forward(out, x, k.n, k.c, g);
        // A max selects one of its inputs, so float and double must agree exactly.
        Close.scaled("forward", out, DoubleOps.maxPool(xd, k.n, k.h, k.w, k.c, k.window()), 0);

        float[] w = TestData.uniform(rng, out.length, 1);
        double[] wd = TestData.toDouble(w);
        float[] dx = TestData.filled(x.length, Float.NaN);   // overwritten, so the NaN must vanish
        op.backward(dx, w, k.n, k.c, g);
        Close.scaled("dx", dx, FiniteDifferences.gradient(
                p -> DoubleOps.dot(wd, DoubleOps.maxPool(p, k.n, k.h, k.w, k.c, k.window())), xd.clone()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void averagePoolMatchesFiniteDifferences(Case k) {
        SplittableRandom rng = new SplittableRandom(k.name.hashCode());
        WindowGeometry g = k.geometry();
        float[] x = TestData.uniform(rng, k.n * k.h * k.w * k.c, 1);                     // (N, H, W, C)
        double[] xd = TestData.toDouble(x);
        float[] out = new float[k.n * g.outH() * g.outW() * k.c];                         // (N, OH, OW, C)
        AvgPool2DOp.forward(out, x, k.n, k.c, g);
        Close.scaled("forward", out, DoubleOps.avgPool(xd, k.n, k.h, k.w, k.c, k.window()));

        float[] w = TestData.uniform(rng, out.length, 1);
        double[] wd = TestData.toDouble(w);
        float[] dx = TestData.filled(x.length, Float.NaN);
        AvgPool2DOp.backward(dx, w, k.n, k.c, g);
        Close.scaled("dx", dx, FiniteDifferences.gradient(
                p -> DoubleOps.dot(wd, DoubleOps.avgPool(p, k.n, k.h, k.w, k.c, k.window())), xd.clone()));
    }
}
