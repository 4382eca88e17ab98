package dev.fovea.ops;

import dev.fovea.gradcheck.Close;
import dev.fovea.gradcheck.TestData;
import dev.fovea.tensor.VectorSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The depthwise kernels (Vector API and plain, and the routed {@link GroupedConv2DOp}) held equal
 * to {@link GroupedConv2DReference} on edge shapes (3x3 and 5x5, strides 1 and 2, padding on some
 * or all sides, dilation, channel counts below, at and around whole vectors) and a seeded sweep.
 */
class DepthwiseConv2DTest {
    record Case(int n, int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int dw,
                int pt, int pl, int pb, int pr, boolean bias) {
        Window2D window() { return Window2D.of(h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, false, toString()); }

        @Override public String toString() {
            return String.format("n%d %dx%dx%d, kernel %dx%d, strides %dx%d, dilation %dx%d, pads t%d l%d b%d r%d%s",
                    n, h, w, c, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, bias ? "" : ", no bias");
        }
    }

    static Stream<Case> edgeCases() {
        return Stream.of(
                new Case(1, 7, 9, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true),     // MobileNet 3x3 "same", stride 1
                new Case(2, 8, 8, 48, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, true),     // stride 2, even input
                new Case(1, 9, 7, 40, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, false),    // stride 2, pads after only (TF "same")
                new Case(1, 11, 10, 37, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, true),   // 5x5, channels not a multiple of a vector
                new Case(2, 12, 13, 24, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, true),   // 5x5 stride 2
                new Case(1, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true),      // fewer channels than a vector
                new Case(1, 6, 6, 17, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, true),     // valid: no border column
                new Case(1, 2, 2, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true),     // image smaller than the filter
                new Case(1, 1, 1, 20, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, false),    // 1x1 image, 5x5 "same"
                new Case(2, 9, 9, 33, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, true),     // dilation 2
                new Case(1, 10, 7, 64, 3, 2, 1, 3, 1, 1, 1, 0, 0, 2, true),    // uneven kernel, stride and pads
                new Case(3, 14, 14, 96, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true));  // enough rows to split over threads
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeCases")
    void edgeCasesMatchReference(Case s) {
        compare(s, new SplittableRandom(s.toString().hashCode()));
    }

    @Test
    void randomShapesMatchReference() {
        SplittableRandom rng = new SplittableRandom(77);
        List<Case> cases = new ArrayList<>();
        while (cases.size() < 60) {
            int k = rng.nextBoolean() ? 3 : 5, s = 1 + rng.nextInt(2), d = rng.nextInt(5) == 0 ? 2 : 1;
            int h = 1 + rng.nextInt(13), w = 1 + rng.nextInt(13);
            int pad = rng.nextInt(k), padB = rng.nextInt(k), padR = rng.nextInt(k);
            int span = (k - 1) * d + 1;
            if (h + pad + padB < span || w + pad + padR < span) continue;
            cases.add(new Case(1 + rng.nextInt(2), h, w, 1 + rng.nextInt(70), k, k, s, s, d, d, pad, pad,
                    padB, padR, rng.nextBoolean()));
        }
        for (Case c : cases) compare(c, rng);
    }

    @Test
    void recognisesOnlyMultiplierOne() {
        assertTrue(DepthwiseConv2D.supports(32, 32, 32));
        assertFalse(DepthwiseConv2D.supports(32, 64, 32));   // depth multiplier 2
        assertFalse(DepthwiseConv2D.supports(32, 32, 16));   // two channels per group
    }

    private static void compare(Case s, SplittableRandom rng) {
        Window2D g = s.window();
        float[] x = TestData.uniform(rng, s.n * s.h * s.w * s.c, 1);      // (N, H, W, C)
        float[] kernel = TestData.uniform(rng, s.kh * s.kw * s.c, 1);     // (KH, KW, 1, C)
        float[] bias = s.bias ? TestData.uniform(rng, s.c, 1) : null;
        int outSize = s.n * g.outH() * g.outW() * s.c;
        float[] ref = new float[outSize];
        GroupedConv2DReference.forward(ref, x, kernel, bias, s.n, s.c, s.c, s.c, g);
        double[] expected = TestData.toDouble(ref);

        float[] plain = TestData.filled(outSize, Float.NaN);
        DepthwiseConv2DPlain.rows(plain, x, kernel, bias, s.c, g, 0, s.n * g.outH());
        Close.scaled(s + ": plain", plain, expected);

        if (VectorSupport.available()) {
            float[] vec = TestData.filled(outSize, Float.NaN);
            DepthwiseConv2DVector.rows(vec, x, kernel, bias, s.c, g, 0, s.n * g.outH());
            Close.scaled(s + ": vector", vec, expected);
        }
        float[] routed = TestData.filled(outSize, Float.NaN);
        new GroupedConv2DOp().forward(routed, x, kernel, bias, s.n, s.c, s.c, s.c, g);
        Close.scaled(s + ": GroupedConv2DOp", routed, expected);
    }
}
