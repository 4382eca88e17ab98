package dev.fovea.nn;

import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each preprocessing and augmentation layer computes, at training and at inference. */
class AugmentationLayersTest {
    static Tensor random(long seed, int... dims) {
        Tensor t = Tensor.zeros(dims);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) r.nextDouble();
        return t;
    }

    /** (1, H, W, 1) holding 0, 1, 2, ... row by row. */
    static Tensor ramp(int h, int w) {
        Tensor t = Tensor.zeros(1, h, w, 1);
        for (int i = 0; i < t.size(); i++) t.data()[i] = i;
        return t;
    }

    static Tensor train(Layer l, Tensor x, long seed) {
        if (!l.isBuilt()) l.build(x.shape().dropBatch(), new SplittableRandom(0));
        return l.forward(x, ForwardContext.training(new SplittableRandom(seed)));
    }

    static List<ImageTransformLayer> randomLayers() {
        return List.of(new RandomFlip(), new RandomTranslation(0.2, 0.3), new RandomRotation(0.1), new RandomZoom(0.2),
                new RandomErasing(), new RandomZoom(0.1, 0.3).fillMode("constant").fillValue(0.5),
                new RandomRotation(0.2).interpolation("nearest").fillMode("wrap"));
    }

    @Test
    void randomLayersAreTheIdentityAtInference() {
        Tensor x = random(1, 3, 6, 5, 2);
        for (ImageTransformLayer l : randomLayers()) {
            l.build(x.shape().dropBatch(), new SplittableRandom(0));
            assertSame(x, l.forward(x, ForwardContext.INFERENCE), l.className());
            Tensor dy = random(2, 3, 6, 5, 2);
            assertSame(dy, l.backward(dy, true), l.className());
            Tensor y = l.forward(x, ForwardContext.training(new SplittableRandom(4)));
            assertFalse(java.util.Arrays.equals(x.data(), y.data()), l.className() + " changed nothing in training");
        }
    }

    @Test
    void trainingOutputIsAFunctionOfTheSeedAndEachExampleOfItsKey() {
        Tensor x = random(1, 9, 7, 8, 3);
        for (ImageTransformLayer l : randomLayers()) {
            float[] a = train(l, x, 5).data().clone();
            assertArrayEquals(a, train(l, x, 5).data(), l.className());
            assertFalse(java.util.Arrays.equals(a, train(l, x, 6).data()), l.className() + " ignores the seed");
            // Example i used key child(first draw, i), whatever thread ran it.
            long draw = new SplittableRandom(5).nextLong();
            Shape one = Shape.of(7, 8, 3);
            float[] single = new float[one.size()];
            for (int i = 0; i < 9; i++) {
                l.apply(x.data(), i * one.size(), single, 0, one, RandomKeys.child(draw, i));
                assertArrayEquals(java.util.Arrays.copyOfRange(a, i * one.size(), (i + 1) * one.size()), single, l.className() + " example " + i);
            }
        }
    }

    @Test
    void fillModesExtendTheImageAsKerasDocumentsThem() {
        int[] reflect = new int[12], wrap = new int[12], nearest = new int[12], constant = new int[12];
        for (int i = -4; i < 8; i++) {
            reflect[i + 4] = FillMode.REFLECT.map(i, 4);
            wrap[i + 4] = FillMode.WRAP.map(i, 4);
            nearest[i + 4] = FillMode.NEAREST.map(i, 4);
            constant[i + 4] = FillMode.CONSTANT.map(i, 4);
        }
        assertArrayEquals(new int[] {3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0}, reflect);     // d c b a | a b c d | d c b a
        assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}, wrap);
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3}, nearest);
        assertArrayEquals(new int[] {-1, -1, -1, -1, 0, 1, 2, 3, -1, -1, -1, -1}, constant);
        assertEquals(0, FillMode.REFLECT.map(-7, 1));
    }

    @Test
    void translationByAWholePixelShiftsContentDownAndRight() {
        Tensor x = ramp(4, 5);
        // A quarter of 4 rows is one row; a fifth of 5 columns one column.
        var l = new RandomTranslation(0.25, 0.25, 0.2, 0.2, AffineAugmentation.Fill.DEFAULT).fillMode("constant").fillValue(-1);
        float[] y = train(l, x, 1).data();
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 5; c++) {
                float expected = r == 0 || c == 0 ? -1 : (r - 1) * 5 + (c - 1);
                assertEquals(expected, y[r * 5 + c], 1e-4, "pixel " + r + "," + c);
            }
        }
        // Reflect mode mirrors: row -1 reads row 0 and column -1 column 0 (d c b a | a b c d).
        float[] reflect = train(new RandomTranslation(0.25, 0.25, 0.2, 0.2, AffineAugmentation.Fill.DEFAULT), x, 1).data();
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 5; c++) assertEquals(Math.max(r - 1, 0) * 5 + Math.max(c - 1, 0), reflect[r * 5 + c], 1e-4, "pixel " + r + "," + c);
        }
    }

    @Test
    void quarterTurnRotatesCounterClockwise() {
        Tensor x = ramp(3, 3);
        float[] y = train(new RandomRotation(0.25, 0.25, AffineAugmentation.Fill.DEFAULT), x, 1).data();
        // Counter-clockwise: the top-right pixel (2) lands top-left, the top-left (0) bottom-left.
        float[] expected = {2, 5, 8, 1, 4, 7, 0, 3, 6};
        assertArrayEquals(expected, y, 1e-4f);
    }

    @Test
    void zoomInByTwoReadsTheCentralHalf() {
        Tensor x = ramp(5, 5);
        // factor -0.5: the region read is half the size, so the output magnifies the centre twice.
        float[] y = train(new RandomZoom(-0.5, -0.5, null, AffineAugmentation.Fill.DEFAULT), x, 1).data();
        assertEquals(12, y[12], 1e-4);                  // the centre stays
        assertEquals(6, y[0], 1e-4);                    // the corner reads (1, 1) = 6
        assertEquals((6 + 7) / 2f, y[1], 1e-4);          // halfway between columns 1 and 2
        float[] same = train(new RandomZoom(0, 0, null, AffineAugmentation.Fill.DEFAULT), x, 1).data();
        assertArrayEquals(x.data(), same);
    }

    @Test
    void flipsAreExactMirrorsAboutHalfTheTime() {
        Tensor x = random(3, 400, 3, 4, 2);
        int flippedH = 0, flippedV = 0;
        Shape one = Shape.of(3, 4, 2);
        float[] y = train(new RandomFlip(RandomFlip.HORIZONTAL), x, 8).data();
        for (int i = 0; i < 400; i++) {
            int off = i * one.size();
            boolean same = true, mirror = true;
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    for (int k = 0; k < 2; k++) {
                        float v = y[off + (r * 4 + c) * 2 + k];
                        same &= v == x.data()[off + (r * 4 + c) * 2 + k];
                        mirror &= v == x.data()[off + (r * 4 + 3 - c) * 2 + k];
                    }
                }
            }
            assertTrue(same ^ mirror, "example " + i + " is neither itself nor its mirror");
            if (mirror) flippedH++;
        }
        float[] v = train(new RandomFlip(RandomFlip.VERTICAL), x, 8).data();
        for (int i = 0; i < 400; i++) {
            int off = i * one.size();
            if (v[off] != x.data()[off]) flippedV++;
            assertEquals(x.data()[off + 2 * 8 + 1], v[off] == x.data()[off] ? x.data()[off + 2 * 8 + 1] : v[off + 1], "vertical flip " + i);
        }
        // 400 fair coins: 200 ± 3 sigma (30).
        assertTrue(Math.abs(flippedH - 200) < 30, "horizontal flips " + flippedH);
        assertTrue(Math.abs(flippedV - 200) < 30, "vertical flips " + flippedV);
    }

    @Test
    void erasingOverwritesOneRectangleOfTheRequestedAreaAndAspect() {
        int n = 300, h = 40, w = 50;
        Tensor x = Tensor.zeros(n, h, w, 1);
        float[] y = train(new RandomErasing(1, 0.05, 0.2, 0.5, 2, 1.0), x, 3).data();
        int erased = 0;
        for (int i = 0; i < n; i++) {
            int top = h, bottom = -1, left = w, right = -1, count = 0;
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    if (y[i * h * w + r * w + c] == 1f) {
                        count++;
                        top = Math.min(top, r); bottom = Math.max(bottom, r);
                        left = Math.min(left, c); right = Math.max(right, c);
                    }
                }
            }
            if (count == 0) continue;
            erased++;
            int eh = bottom - top + 1, ew = right - left + 1;
            assertEquals(eh * ew, count, "example " + i + " is not one rectangle");
            double area = (double) count / (h * w), aspect = (double) eh / ew;
            // Rounding the sides to whole pixels moves area and aspect a little.
            assertTrue(area > 0.04 && area < 0.22, "area " + area);
            assertTrue(aspect > 0.4 && aspect < 2.5, "aspect " + aspect);
        }
        assertEquals(n, erased, "probability 1 erases every image (all proposals fit here)");
        Tensor none = train(new RandomErasing(0, 0.02, 0.4, 0.3, 3.3, null), random(1, 4, 8, 8, 3), 1);
        assertArrayEquals(random(1, 4, 8, 8, 3).data(), none.data());
        float[] noisy = train(new RandomErasing(1, 0.3, 0.3, 1, 1, null), Tensor.zeros(2, 10, 10, 3), 1).data();
        float min = 1, max = 0;
        for (float f : noisy) if (f != 0) { min = Math.min(min, f); max = Math.max(max, f); }
        assertTrue(min >= 0 && max < 1 && max > 0.5, "random fill in [0, 1): " + min + ".." + max);
    }

    @Test
    void rescalingAndNormalizationApplyAtInference() {
        Tensor x = random(1, 2, 3, 3, 2);
        Rescaling r = new Rescaling(2, -1);
        r.build(Shape.of(3, 3, 2), new SplittableRandom(0));
        float[] y = r.forward(x, ForwardContext.INFERENCE).data();
        for (int i = 0; i < y.length; i++) assertEquals(x.data()[i] * 2 - 1, y[i], 1e-6);
        Normalization n = new Normalization(new float[] {0.5f, 0.25f}, new float[] {4f, 0f});
        n.build(Shape.of(3, 3, 2), new SplittableRandom(0));
        float[] z = n.forward(x, ForwardContext.INFERENCE).data();
        for (int i = 0; i < z.length; i++) {
            double expected = i % 2 == 0 ? (x.data()[i] - 0.5) / 2 : (x.data()[i] - 0.25) / 1e-7;   // variance 0: Keras's epsilon
            assertEquals(expected, z[i], Math.abs(expected) * 1e-6, "element " + i);
        }
    }

    @Test
    void normalizationAdaptsToPerChannelMeanAndPopulationVariance() {
        Tensor x = random(4, 37, 5, 3, 3);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = d[i] * (1 + i % 3) + 10 * (i % 3);   // channels differ in mean and spread
        double[] sum = new double[3], sq = new double[3];
        for (int i = 0; i < d.length; i++) sum[i % 3] += d[i];
        int per = d.length / 3;
        for (int i = 0; i < d.length; i++) sq[i % 3] += Math.pow(d[i] - sum[i % 3] / per, 2);
        Normalization n = new Normalization().adapt(x);
        for (int k = 0; k < 3; k++) {
            assertEquals(sum[k] / per, n.mean()[k], 1e-5 * Math.abs(sum[k] / per));
            assertEquals(sq[k] / per, n.variance()[k], 1e-5 * sq[k] / per);
        }
        // In batches of 256 from TrainingData, merged: the same statistics.
        Normalization m = new Normalization().adapt(new dev.fovea.train.InMemoryData(random(4, 600, 2, 2, 3), new int[600]).imageBatches(256));
        Normalization whole = new Normalization().adapt(random(4, 600, 2, 2, 3));
        assertArrayEquals(whole.mean(), m.mean(), 1e-6f);
        assertArrayEquals(whole.variance(), m.variance(), 1e-6f);
    }

    @Test
    void unadaptedNormalizationSaysWhatToDo() {
        Normalization n = new Normalization().named("norm");
        n.build(Shape.of(2, 2, 1), new SplittableRandom(0));
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.fovea.FoveaException.class,
                () -> n.forward(Tensor.zeros(1, 2, 2, 1), ForwardContext.INFERENCE));
        assertEquals("layer norm (Normalization) has no mean and variance: call adapt(data) first or give them", e.getMessage());
        var wrong = org.junit.jupiter.api.Assertions.assertThrows(dev.fovea.FoveaException.class,
                () -> new Normalization(new float[] {0, 0}, new float[] {1, 1}).named("n2").build(Shape.of(2, 2, 3), new SplittableRandom(0)));
        assertEquals("layer n2 (Normalization) has statistics for 2 channels but its input (2, 2, 3) has 3", wrong.getMessage());
    }

    @Test
    void geometricLayersNeedImages() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.fovea.FoveaException.class,
                () -> new RandomRotation(0.1).named("rot").build(Shape.of(10), new SplittableRandom(0)));
        assertEquals("layer rot (RandomRotation) needs images (height, width, channels), got (10,)", e.getMessage());
        assertNotEquals(null, new Rescaling(0.5).outputShape(Shape.of(10)));
    }
}
