package dev.fovea.ops;

import dev.fovea.gradcheck.Close;
import dev.fovea.gradcheck.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Winograd F(2x2, 3x3) held equal to {@link Conv2DReference}: "same" and "valid" padding, odd
 * output sizes (cut 2x2 blocks), images smaller than a tile, channel counts that are not vector
 * multiples, batches with more tiles than one block; and its kernel cache rebuilt exactly when the
 * weight version changes.
 */
class Winograd3x3Test {
    record Case(int n, int h, int w, int c, int f, Padding padding, boolean bias, boolean relu) {
        @Override public String toString() {
            return String.format("n%d %dx%dx%d -> %d, %s%s%s", n, h, w, c, f, padding.keras(), bias ? "" : ", no bias", relu ? ", relu" : "");
        }
    }

    static Stream<Case> cases() {
        Padding s = Padding.SAME, v = Padding.VALID;
        return Stream.of(
                new Case(1, 8, 8, 16, 16, s, true, false),
                new Case(1, 7, 9, 5, 3, s, true, true),        // odd output: cut blocks on both edges
                new Case(2, 9, 7, 33, 20, v, false, false),    // valid, odd 7x5 output
                new Case(1, 3, 3, 4, 6, v, true, false),       // one output pixel
                new Case(1, 2, 1, 3, 2, s, true, false),       // image smaller than a tile
                new Case(3, 14, 14, 64, 64, s, true, true),    // a ResNet-like layer, several blocks and threads
                new Case(1, 7, 7, 130, 70, s, true, false));   // deep: small blocks of tiles
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(Case s) {
        SplittableRandom rng = new SplittableRandom(s.toString().hashCode());
        WindowGeometry g = WindowGeometry.of(s.h, s.w, 3, 3, 1, 1, s.padding, s.toString());
        assertTrue(Winograd3x3.supports(g));
        float[] x = TestData.uniform(rng, s.n * s.h * s.w * s.c, 1);
        float[] kernel = TestData.uniform(rng, 9 * s.c * s.f, 1);
        float[] bias = s.bias ? TestData.uniform(rng, s.f, 1) : null;
        int outSize = s.n * g.outH() * g.outW() * s.f;
        float[] ref = new float[outSize];
        Conv2DReference.forward(ref, x, kernel, bias, s.n, s.c, s.f, g);
        if (s.relu) for (int i = 0; i < outSize; i++) ref[i] = Math.max(0f, ref[i]);
        float[] y = TestData.filled(outSize, Float.NaN);
        float[] u = new Winograd3x3.Weights().get(kernel, 0, s.c, s.f);
        Winograd3x3.forward(y, x, u, bias, s.relu, s.n, s.c, s.f, g);
        Close.scaled(s + ": forward", y, TestData.toDouble(ref));

        // Routed through Conv2DOp when a weight version is given (inference).
        float[] routed = TestData.filled(outSize, Float.NaN);
        Conv2DOp op = new Conv2DOp();
        op.forward(routed, x, kernel, 0L, bias, s.relu, s.n, s.c, s.f, g);
        Close.scaled(s + ": Conv2DOp with a weight version", routed, TestData.toDouble(ref));

        // A backward after that inference forward (input gradients for saliency) still matches the reference.
        float[] dy = TestData.uniform(rng, outSize, 1);
        float[] dx = TestData.filled(x.length, Float.NaN), dxRef = new float[x.length];
        float[] dk = new float[kernel.length], dkRef = new float[kernel.length];
        op.backward(dx, dk, null, dy, kernel, s.n, s.c, s.f, g);
        Conv2DReference.backward(dxRef, dkRef, null, dy, x, kernel, s.n, s.c, s.f, g);
        Close.scaled(s + ": dx after a Winograd forward", dx, TestData.toDouble(dxRef));
        Close.scaled(s + ": dKernel after a Winograd forward", dk, TestData.toDouble(dkRef));
    }

    @Test
    void onlyThreeByThreeStrideOne() {
        assertFalse(Winograd3x3.supports(WindowGeometry.of(8, 8, 3, 3, 2, 2, Padding.SAME, "stride 2")));
        assertFalse(Winograd3x3.supports(WindowGeometry.of(8, 8, 5, 5, 1, 1, Padding.SAME, "5x5")));
    }

    @Test
    void transformedKernelIsRebuiltExactlyWhenTheVersionChanges() {
        float[] kernel = TestData.uniform(new SplittableRandom(3), 9 * 4 * 5, 1);
        Winograd3x3.Weights w = new Winograd3x3.Weights();
        float[] first = w.get(kernel, 7, 4, 5).clone();
        kernel[0] += 1f;   // written in place without a new version: the cache may not know
        float[] stale = w.get(kernel, 7, 4, 5);
        assertTrue(stale[0] == first[0], "same version: the cached transform is reused");
        float[] fresh = w.get(kernel, 8, 4, 5);
        assertTrue(fresh[0] != first[0], "new version: rebuilt from the changed kernel");
    }
}
