package dev.fovea.model;

import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.FitOptions;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** evaluate needs no compile: the loss follows the output (softmax probabilities or logits). */
class ModelEvaluateTest {
    private static Tensor images(int n) {
        SplittableRandom r = new SplittableRandom(7);
        float[] d = new float[n * 4 * 4];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextDouble();
        return new Tensor(dev.fovea.tensor.Shape.of(n, 4, 4, 1), d);
    }

    private static int[] labels(int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = i % 3;
        return y;
    }

    @Test
    void uncompiledEvaluateMatchesCompiledForSoftmaxAndLogitOutputs() {
        for (String activation : new String[] {"softmax", "linear"}) {
            String loss = activation.equals("softmax") ? "sparse_categorical_crossentropy" : "sparse_categorical_crossentropy_from_logits";
            Model plain = Sequential.of(new Flatten(), new Dense(3, activation)).seed(5).build(4, 4, 1);
            Model compiled = Sequential.of(new Flatten(), new Dense(3, activation)).seed(5).build(4, 4, 1);
            compiled.compile(new Adam(), loss, "accuracy");
            assertFalse(plain.isCompiled());
            Map<String, Double> a = plain.evaluate(images(10), labels(10));
            Map<String, Double> b = compiled.evaluate(images(10), labels(10));
            assertEquals(b, a, activation);
            assertEquals(2, a.size(), "loss and accuracy");
        }
    }

    @Test
    void fitStillNeedsCompile() {
        Model m = Sequential.of(new Flatten(), new Dense(3, "softmax")).build(4, 4, 1);
        m.evaluate(images(4), labels(4));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.fit(images(4), labels(4), FitOptions.epochs(1)));
        assertEquals("model sequential is not compiled: call compile(optimizer, loss, metrics)", e.getMessage());
    }
}
