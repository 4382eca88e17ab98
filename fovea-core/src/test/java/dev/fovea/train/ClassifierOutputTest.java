package dev.fovea.train;

import dev.fovea.FoveaException;
import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.nn.AxisSoftmax;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.Layer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierOutputTest {
    private static Model model(Layer... tail) {
        Sequential m = Sequential.of(new Flatten());
        for (Layer l : tail) m.add(l);
        return m.seed(3).build(2, 2, 1);
    }

    private static Tensor images() {
        SplittableRandom r = new SplittableRandom(1);
        float[] d = new float[5 * 4];
        for (int i = 0; i < d.length; i++) d[i] = (float) (4 * r.nextDouble() - 2);
        return new Tensor(Shape.of(5, 2, 2, 1), d);
    }

    /** Softmax in double precision, the oracle. */
    private static float[] softmax(float[] z, int rows, int k) {
        float[] p = new float[z.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < k; j++) max = Math.max(max, z[r * k + j]);
            for (int j = 0; j < k; j++) sum += Math.exp(z[r * k + j] - max);
            for (int j = 0; j < k; j++) p[r * k + j] = (float) (Math.exp(z[r * k + j] - max) / sum);
        }
        return p;
    }

    @Test
    void softmaxOutputIsTakenAsProbabilities() {
        Model m = model(new Dense(3, "softmax"));
        ClassifierOutput out = m.output();
        assertEquals(ClassifierOutput.Kind.PROBABILITIES, out.kind());
        assertFalse(out.appliesSoftmax());
        assertTrue(out.description().startsWith("probabilities"), out.description());
        Tensor raw = Predictor.predict(m, images());
        assertArrayEquals(raw.data(), m.predict(images()).data(), "no second softmax");
    }

    @Test
    void logitsGetASoftmaxAndSaySo() {
        Model m = model(new Dense(3));
        ClassifierOutput out = m.output();
        assertEquals(ClassifierOutput.Kind.LOGITS, out.kind());
        assertTrue(out.appliesSoftmax());
        assertTrue(out.description().contains("softmax applied"), out.description());
        Tensor raw = Predictor.predict(m, images());
        assertArrayEquals(softmax(raw.data(), 5, 3), m.predict(images()).data(), 1e-6f);
        assertArrayEquals(softmax(raw.data(), 5, 3), out.probabilities(raw).data(), 1e-6f);
    }

    @Test
    void logSoftmaxOutputBecomesItsExponential() {
        Model m = model(new Dense(3), new AxisSoftmax(true, -1));
        assertEquals(ClassifierOutput.Kind.LOG_PROBABILITIES, m.output().kind());
        float[] logP = Predictor.predict(m, images()).data();
        float[] p = m.predict(images()).data();
        for (int i = 0; i < p.length; i++) assertEquals(Math.exp(logP[i]), p[i], 1e-6, "element " + i);
        assertEquals(ClassifierOutput.Kind.PROBABILITIES, model(new Dense(3), new AxisSoftmax(false, -1)).output().kind());
    }

    @Test
    void sigmoidIsNotMistakenForProbabilities() {
        ClassifierOutput out = model(new Dense(3, "sigmoid")).output();
        assertEquals(ClassifierOutput.Kind.LOGITS, out.kind());
        assertTrue(out.description().contains("ends in sigmoid, not softmax"), out.description());
    }

    @Test
    void namesClassesAndFallsBackToTheIndex() {
        Model m = model(new Dense(3)).classNames(List.of("cat", "dog"));
        ClassifierOutput out = m.output();
        assertEquals(List.of("cat", "dog", "2"), out.classNames());
        Tensor probs = Tensor.of(new float[] {0.2f, 0.5f, 0.3f}, 1, 3);
        List<Prediction> top = out.topK(probs, 0, 2);
        assertEquals(List.of(new Prediction(1, "dog", 0.5f), new Prediction(2, "2", 0.3f)), top);
        assertEquals(3, out.topK(probs, 0, 10).size(), "k above the class count keeps every class");
        assertThrows(FoveaException.class, () -> out.className(3));
        FoveaException e = assertThrows(FoveaException.class, () -> out.topK(Tensor.of(new float[4], 1, 4), 0, 1));
        assertEquals("ClassifierOutput.topK: expected (N, 3), got (1, 4)", e.getMessage());
    }

    @Test
    void refusesAnOutputThatIsNotOneVectorPerExample() {
        Model m = Sequential.of(new AxisSoftmax(false, -1)).build(2, 3);
        FoveaException e = assertThrows(FoveaException.class, m::output);
        assertEquals("model sequential outputs (2, 3) per example; a classifier's output is (classes,)", e.getMessage());
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3);
        assertArrayEquals(Predictor.predict(m, x).data(), m.predict(x).data(), "predict gives a non-classifier's raw outputs");
    }
}
