package dev.fovea.nn;

import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.gradcheck.Close;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Backward of every preprocessing and augmentation layer against central differences. For a
 * fixed key each layer is affine in its input, so the differences are exact up to float rounding
 * and the tolerance can be the usual one; every fill mode and both interpolations are covered,
 * including the edge reads where fill modes fold indices back (and several outputs add into one
 * input pixel).
 */
class AugmentationGradientTest {
    static List<ImageTransformLayer> layers() {
        List<ImageTransformLayer> l = new ArrayList<>();
        for (String mode : List.of("reflect", "wrap", "nearest", "constant")) {
            l.add(new RandomTranslation(0.4, 0.4).fillMode(mode).fillValue(0.3));
            l.add(new RandomRotation(0.5).fillMode(mode));
            l.add(new RandomZoom(0.6, 0.4).fillMode(mode).fillValue(-1));
            l.add(new RandomRotation(0.3).fillMode(mode).interpolation("nearest"));
        }
        l.add(new RandomFlip());
        l.add(new RandomErasing(0.9, 0.1, 0.5, 0.3, 3, null));
        l.add(new RandomErasing(0.9, 0.1, 0.5, 0.3, 3, 0.5));
        l.add(new Rescaling(-3, 2));
        l.add(new Normalization(new float[] {0.2f, 0.7f}, new float[] {0.5f, 3f}));
        return l;
    }

    @Test
    void backwardIsTheTransposeOfForward() {
        Tensor x = AugmentationLayersTest.random(1, 3, 5, 6, 2);
        Tensor r = AugmentationLayersTest.random(2, 3, 5, 6, 2);   // L = sum(r * y)
        for (ImageTransformLayer l : layers()) {
            for (long seed = 0; seed < 3; seed++) {
                l.build(x.shape().dropBatch(), new SplittableRandom(0));
                l.forward(x, ForwardContext.training(new SplittableRandom(seed)));
                float[] analytic = l.backward(r, true).data().clone();
                double[] numeric = new double[x.size()];
                double h = 0.25;
                for (int i = 0; i < x.size(); i++) {
                    float keep = x.data()[i];
                    x.data()[i] = (float) (keep + h);
                    double up = loss(l, x, r, seed);
                    x.data()[i] = (float) (keep - h);
                    double down = loss(l, x, r, seed);
                    x.data()[i] = keep;
                    numeric[i] = (up - down) / (2 * h);
                }
                Close.scaled(l.className() + " " + l.config() + " seed " + seed, analytic, numeric, l instanceof Normalization ? 1e-4 : 1e-5);
            }
        }
    }

    private static double loss(Layer l, Tensor x, Tensor r, long seed) {
        float[] y = l.forward(x, ForwardContext.training(new SplittableRandom(seed))).data();
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (double) r.data()[i] * y[i];
        return s;
    }

    @Test
    void inputGradientThroughAModelWithAugmentationInFront() {
        Model m = Sequential.of(new RandomRotation(0.2), new RandomFlip(), new Rescaling(2, -1),
                new Conv2D(3, 3, "tanh"), new Flatten(), new Dense(2, "linear"));
        m.seed(3).build(6, 6, 1);
        Tensor x = AugmentationLayersTest.random(5, 2, 6, 6, 1);
        Tensor dOut = Tensor.of(new float[] {1, -2, 0.5f, 3}, 2, 2);
        m.forward(x, ForwardContext.training(new SplittableRandom(9)));
        float[] analytic = m.backwardToInput(dOut).data().clone();
        double[] numeric = new double[x.size()];
        double h = 1e-2;
        for (int i = 0; i < x.size(); i++) {
            float keep = x.data()[i];
            x.data()[i] = (float) (keep + h);
            double up = score(m, x, dOut);
            x.data()[i] = (float) (keep - h);
            double down = score(m, x, dOut);
            x.data()[i] = keep;
            numeric[i] = (up - down) / (2 * h);
        }
        // float forward through tanh: O(h^2) truncation and ~1e-7/h rounding
        Close.scaled("model input gradient", analytic, numeric, 2e-3);
    }

    private static double score(Model m, Tensor x, Tensor dOut) {
        float[] y = m.forward(x, ForwardContext.training(new SplittableRandom(9))).data();
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (double) dOut.data()[i] * y[i];
        return s;
    }
}
