package dev.fovea.viz;

import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.model.Sequential;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Saliency and Grad-CAM on a model whose answer is known by hand: a 1x1 convolution copying the
 * image (A = x), then class 0's score = sum of A and class 1's = -sum of A. For class 0 every
 * Grad-CAM weight is +1, so the map is the image itself; for class 1 all weights are -1 and
 * ReLU leaves nothing. The saliency of either is 1 wherever the ReLU lets the pixel through.
 */
class AttributionTest {
    static Model handMade() {
        Model m = Sequential.of(new Conv2D(1, 1, "relu"), new Flatten(), new Dense(2, "softmax"));
        m.build(4, 4, 1).classNames(List.of("bright", "dark"));
        for (Parameter p : m.parameters()) {
            float[] v = p.value().data();
            switch (p.name()) {
                case "conv2d/kernel" -> v[0] = 1f;
                case "dense/kernel" -> {                  // (16, 2)
                    for (int i = 0; i < 16; i++) {
                        v[i * 2] = 1f;
                        v[i * 2 + 1] = -1f;
                    }
                }
                default -> java.util.Arrays.fill(v, 0f);
            }
        }
        return m;
    }

    static Tensor spot() {
        Tensor x = Tensor.zeros(4, 4, 1);
        x.set(1.0f, 1, 2, 0);
        x.set(0.5f, 3, 0, 0);
        return x;
    }

    @Test
    void gradCamOfTheSupportedClassIsTheEvidenceAndOfTheOpposedClassIsEmpty() {
        Model m = handMade();
        Attribution.Result bright = Attribution.explain(m, spot(), 0);
        assertEquals("conv2d", bright.gradCamLayer());
        assertEquals(1f, bright.gradCam()[1 * 4 + 2], 1e-6f, "the brightest pixel is the hottest");
        assertEquals(0.5f, bright.gradCam()[3 * 4], 1e-6f);
        assertEquals(0f, bright.gradCam()[0], 1e-6f);
        Attribution.Result dark = Attribution.explain(m, spot(), 1);
        assertArrayEquals(new float[16], dark.gradCam(), 1e-6f);
        assertEquals("class score before softmax", bright.scoreName());
    }

    @Test
    void saliencyIsTheScoreGradientWhereTheReluPasses() {
        Attribution.Result r = Attribution.explain(handMade(), spot(), -1);
        assertEquals(0, r.classIndex(), "predicted: the image is bright");
        assertEquals(1f, r.saliency()[1 * 4 + 2], 1e-6f);
        assertEquals(1f, r.saliency()[3 * 4], 1e-6f);
        assertEquals(0f, r.saliency()[0], 1e-6f, "ReLU is closed at 0: no gradient");
        double sum = 0;
        for (float p : r.probs()) sum += p;
        assertEquals(1.0, sum, 1e-6);
    }

    @Test
    void explainingLeavesNoParameterGradientsBehind() {
        Model m = handMade();
        Attribution.explain(m, spot(), 0);
        for (Parameter p : m.parameters()) for (float g : p.grad().data()) assertEquals(0f, g);
    }

    @Test
    void bilinearKeepsCornersAndInterpolatesBetween() {
        float[] up = Attribution.bilinear(new float[] {0, 1, 2, 3}, 2, 2, 4, 4);
        assertEquals(0f, up[0], 1e-6f);
        assertEquals(3f, up[15], 1e-6f);
        assertEquals(0.25f, up[1], 1e-6f);                // a quarter of the way from 0 to 1
        float[] same = Attribution.bilinear(new float[] {5, 6, 7, 8}, 2, 2, 2, 2);
        assertArrayEquals(new float[] {5, 6, 7, 8}, same, 1e-6f);
    }

    @Test
    void noConvolutionMeansNoGradCam() {
        Model m = Sequential.of(new Flatten(), new Dense(2, "softmax"));
        m.build(4, 4, 1);
        assertNull(Attribution.explain(m, spot(), 0).gradCam());
        assertTrue(Attribution.lastConvolution(handMade()) == 0);
    }
}
