package dev.fovea.train;

import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.ops.SoftmaxCrossEntropyOp;
import dev.fovea.optim.LearningRateSchedule;
import dev.fovea.optim.SGD;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingFeaturesTest {
    @TempDir Path dir;

    @Test
    void smoothedWeightedCrossEntropyGradientMatchesFiniteDifferences() {
        int n = 3, k = 4;
        float[] logits = {0.3f, -1.2f, 2.0f, 0.1f, 1.5f, 0.2f, -0.7f, 0.9f, -0.4f, 0.8f, 0.05f, -2.1f};
        int[] labels = {2, 0, 3};
        float[] weights = {1f, 2.5f, 0.5f};
        float eps = 0.1f;
        float[] probs = new float[n * k], grad = new float[n * k];
        SoftmaxCrossEntropyOp.forward(probs, logits, labels, n, k, eps, weights);
        SoftmaxCrossEntropyOp.backward(grad, probs, labels, n, k, eps, weights);
        for (int i = 0; i < logits.length; i++) {
            double h = 1e-3;
            float keep = logits[i];
            logits[i] = (float) (keep + h);
            double up = SoftmaxCrossEntropyOp.forward(probs, logits, labels, n, k, eps, weights);
            logits[i] = (float) (keep - h);
            double down = SoftmaxCrossEntropyOp.forward(probs, logits, labels, n, k, eps, weights);
            logits[i] = keep;
            assertEquals((up - down) / (2 * h), grad[i], 2e-4, "logit " + i);
        }
        // Smoothing 0 and unit weights give the plain loss.
        assertEquals(SoftmaxCrossEntropyOp.forward(probs, logits, labels, n, k),
                SoftmaxCrossEntropyOp.forward(probs, logits, labels, n, k, 0f, new float[] {1, 1, 1}), 1e-12);
    }

    @Test
    void schedulesFollowTheirFormulas() {
        var step = LearningRateSchedule.stepDecay(0.1, 0.5, 10);
        assertEquals(0.1, step.at(9), 1e-12);
        assertEquals(0.05, step.at(10), 1e-12);
        var cos = LearningRateSchedule.cosine(1.0, 10, 110, 0.0);
        assertEquals(0.1, cos.at(0), 1e-12);
        assertEquals(1.0, cos.at(10), 1e-12);
        assertEquals(0.5, cos.at(60), 1e-12);
        assertEquals(0.0, cos.at(110), 1e-12);
        var one = LearningRateSchedule.oneCycle(1.0, 100);
        assertEquals(0.04, one.at(0), 1e-12);
        assertEquals(1.0, one.at(30), 1e-12);
        assertTrue(one.at(99) < 1e-5);
    }

    private static Model linearModel() {
        Model m = Sequential.of(new Flatten(), new Dense(2, "softmax"));
        m.seed(1).build(2, 1, 1);
        return m;
    }

    @Test
    void earlyStoppingStopsAndRestoresTheBestWeights() {
        Model m = linearModel();
        // A learning rate so large that the loss diverges after the first epochs.
        m.compile(new SGD(40.0), "sparse_categorical_crossentropy", "accuracy");
        Tensor x = Tensor.of(new float[] {1, 0, 0, 1, 1, 1, 0.5f, 0.2f}, 4, 2, 1, 1);
        int[] y = {0, 1, 1, 0};
        EarlyStopping stop = new EarlyStopping("loss", 2, 0, true);
        List<float[]> afterEpoch = new java.util.ArrayList<>();
        Callback recorder = new Callback() {
            @Override public void onEpochEnd(int epoch, Map<String, Double> logs) {
                afterEpoch.add(m.parameters().get(0).value().data().clone());
            }
        };
        // The recorder runs before EarlyStopping, so it sees each epoch's weights as EarlyStopping does.
        History h = m.fit(x, y, FitOptions.epochs(50).batchSize(4).shuffle(false).callbacks(recorder, stop));
        assertTrue(h.epochs().size() < 50, "stopped early");
        assertEquals(stop.bestEpoch() + 3, h.epochs().size(), "patience 2 after the best epoch");
        List<Double> losses = h.metric("loss");
        assertEquals(losses.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), losses.get(stop.bestEpoch()));
        org.junit.jupiter.api.Assertions.assertArrayEquals(afterEpoch.get(stop.bestEpoch()), m.parameters().get(0).value().data(),
                "the kernel after the best epoch is restored");
        org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(afterEpoch.get(afterEpoch.size() - 1), m.parameters().get(0).value().data()),
                "the last epoch's weights differ from the restored ones");
    }

    @Test
    void reduceLrOnPlateauAndCsvLogger() throws Exception {
        Model m = linearModel();
        m.compile(new SGD(0.0001), "sparse_categorical_crossentropy", "accuracy");
        Tensor x = Tensor.zeros(4, 2, 1, 1);   // nothing to learn: the loss stays flat
        int[] y = {0, 1, 0, 1};
        Path csv = dir.resolve("log.csv");
        History h = m.fit(x, y, FitOptions.epochs(6).batchSize(4).callbacks(new ReduceLROnPlateau("loss", 0.5, 2, 1e-6), new CsvLogger(csv)));
        List<Double> lr = h.metric("lr");
        assertEquals(1e-4, lr.get(0), 1e-12);
        assertTrue(lr.get(5) < lr.get(0), "learning rate was reduced: " + lr);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(7, lines.size());
        assertTrue(lines.get(0).startsWith("epoch,loss,accuracy,lr"), lines.get(0));
    }

    @Test
    void validationSplitHoldsOutTheLastExamples() {
        Model m = linearModel();
        m.compile(new SGD(0.1), "sparse_categorical_crossentropy", "accuracy");
        SplittableRandom r = new SplittableRandom(1);
        Tensor x = Tensor.zeros(10, 2, 1, 1);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextDouble();
        int[] y = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
        History h = m.fit(x, y, FitOptions.epochs(1).batchSize(4).validationSplit(0.2));
        Map<String, Double> logs = h.last();
        assertTrue(logs.containsKey("val_loss") && logs.containsKey("val_accuracy"), logs.toString());
    }
}
