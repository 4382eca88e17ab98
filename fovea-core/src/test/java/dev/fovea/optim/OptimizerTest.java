package dev.fovea.optim;

import dev.fovea.nn.Parameter;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Optimizers against their published update rules, written out here in double precision, over
 * several steps; sizes cover both the vector lanes and the scalar tail, and a parameter large
 * enough to be split over threads.
 */
class OptimizerTest {
    private static final int[] SIZES = {1, 7, 33, 200_003};

    private static Parameter param(int n, long seed) {
        Tensor w = Tensor.zeros(n);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) w.data()[i] = (float) (r.nextDouble() * 2 - 1);
        return new Parameter("p/kernel", w, Parameter.Role.KERNEL);
    }

    private static void randomGrad(Parameter p, SplittableRandom r) {
        float[] g = p.grad().data();
        for (int i = 0; i < g.length; i++) g[i] = (float) (r.nextGaussian() * 0.1);
    }

    @Test
    void adamFollowsKingmaAndBaWithKerasEpsilon() {
        for (int n : SIZES) {
            Parameter p = param(n, n);
            double[] w = new double[n], m = new double[n], v = new double[n];
            for (int i = 0; i < n; i++) w[i] = p.value().data()[i];
            Adam adam = new Adam(0.01);
            SplittableRandom r = new SplittableRandom(1);
            for (int t = 1; t <= 5; t++) {
                randomGrad(p, r);
                float[] g = p.grad().data().clone();
                adam.step(List.of(p));
                double alpha = 0.01 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
                for (int i = 0; i < n; i++) {
                    m[i] = 0.9 * m[i] + 0.1 * g[i];
                    v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                    w[i] -= alpha * m[i] / (Math.sqrt(v[i]) + 1e-7);
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(w[i], p.value().data()[i], 1e-5 * (1 + Math.abs(w[i])), "n=" + n + " t=" + t + " i=" + i);
                    assertEquals(0f, p.grad().data()[i], "gradient is cleared after the step");
                }
            }
        }
    }

    @Test
    void sgdWithMomentumAndNesterovFollowKeras() {
        for (boolean nesterov : new boolean[] {false, true}) {
            for (int n : SIZES) {
                Parameter p = param(n, n);
                double[] w = new double[n], vel = new double[n];
                for (int i = 0; i < n; i++) w[i] = p.value().data()[i];
                SGD sgd = new SGD(0.1, 0.9, nesterov);
                SplittableRandom r = new SplittableRandom(2);
                for (int t = 1; t <= 4; t++) {
                    randomGrad(p, r);
                    float[] g = p.grad().data().clone();
                    sgd.step(List.of(p));
                    for (int i = 0; i < n; i++) {
                        vel[i] = 0.9 * vel[i] - 0.1 * g[i];
                        w[i] += nesterov ? 0.9 * vel[i] - 0.1 * g[i] : vel[i];
                        assertEquals(w[i], p.value().data()[i], 1e-5 * (1 + Math.abs(w[i])), "nesterov=" + nesterov + " n=" + n + " i=" + i);
                    }
                }
            }
        }
    }

    @Test
    void plainSgdStepsDownTheGradient() {
        Parameter p = param(5, 3);
        float[] before = p.value().data().clone();
        p.grad().data()[2] = 1f;
        new SGD(0.5).step(List.of(p));
        assertEquals(before[2] - 0.5f, p.value().data()[2], 1e-7);
        assertEquals(before[0], p.value().data()[0]);
    }
}
