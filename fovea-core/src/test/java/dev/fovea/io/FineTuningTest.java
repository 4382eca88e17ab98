package dev.fovea.io;

import dev.fovea.FoveaException;
import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.nn.ActivationLayer;
import dev.fovea.nn.BatchNormalization;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.ForwardContext;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.nn.Parameter;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.FitOptions;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A new head for another class count, the rest of the weights kept; with the base frozen only the head learns. */
class FineTuningTest {
    private static Model trained() {
        Sequential m = Sequential.of(
                new Conv2D(4, 3).useBias(false), new BatchNormalization(), new ActivationLayer("relu"), new MaxPool2D(2, 2),
                new Flatten(), new Dense(8, "relu"), new Dense(10, "softmax"));
        m.seed(1).build(8, 8, 1);
        m.compile(new Adam(0.01), "sparse_categorical_crossentropy", "accuracy");
        m.fit(data(32, 10), labels(32, 10), FitOptions.epochs(1).batchSize(8).verbose(false));   // moving statistics move off 0/1
        return m;
    }

    private static Tensor data(int n, long seed) {
        Tensor x = Tensor.zeros(n, 8, 8, 1);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextDouble();
        return x;
    }

    private static int[] labels(int n, int classes) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = i % classes;
        return y;
    }

    private static Map<String, float[]> weights(Model m) {
        Map<String, float[]> w = new HashMap<>();
        for (Parameter p : m.parameters()) w.put(p.name(), p.value().data().clone());
        return w;
    }

    @Test
    void withTheBaseFrozenOnlyTheNewHeadChanges() {
        Model base = trained();
        FineTuning.Result r = FineTuning.withClasses(base, 3, 7);
        assertEquals("dense_1", r.head());
        assertEquals(10, r.previousClasses());
        Model m = r.model();
        assertEquals(Shape.of(3), m.outputShape());
        Map<String, float[]> before = weights(base);
        for (Parameter p : m.parameters()) {
            if (!p.name().startsWith("dense_1/")) assertArrayEquals(before.get(p.name()), p.value().data(), p.name() + " is carried over");
        }
        assertEquals(List.of("conv2d", "batch_normalization", "dense"), FineTuning.freeze(m, "base"));
        Map<String, float[]> start = weights(m);
        m.compile(new Adam(0.01), "sparse_categorical_crossentropy", "accuracy");
        m.fit(data(48, 11), labels(48, 3), FitOptions.epochs(2).batchSize(8).verbose(false));
        Map<String, float[]> after = weights(m);
        for (var e : start.entrySet()) {
            boolean head = e.getKey().startsWith("dense_1/");
            boolean same = java.util.Arrays.equals(e.getValue(), after.get(e.getKey()));
            assertEquals(!head, same, e.getKey() + (head ? " (the head) learns" : " is frozen, moving statistics included"));
        }
    }

    @Test
    void frozenBatchNormalisationRunsInInferenceModeAndPassesItsAffineGradient() {
        Model m = trained();
        BatchNormalization bn = (BatchNormalization) m.layers().get(1);
        Tensor x = data(4, 3);
        Tensor conv = m.layers().get(0).forward(x, ForwardContext.INFERENCE).copy();
        Tensor inference = bn.forward(conv, ForwardContext.INFERENCE).copy();
        bn.freeze(true);
        assertTrue(bn.frozen());
        Tensor training = bn.forward(conv, ForwardContext.training(null)).copy();
        assertArrayEquals(inference.data(), training.data(), 0f, "a frozen layer normalises with its moving statistics in training too");
        // y = a·x + b per channel, so dx = a·dy: the same linear map applied to a gradient.
        Tensor dy = Tensor.zeros(conv.shape());
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < dy.size(); i++) dy.data()[i] = (float) r.nextDouble(-1, 1);
        Tensor dx = bn.backward(dy, true);
        Tensor zero = Tensor.zeros(conv.shape());
        Tensor offset = bn.forward(zero, ForwardContext.INFERENCE).copy();
        Tensor scaled = bn.forward(dy, ForwardContext.INFERENCE);
        for (int i = 0; i < dx.size(); i++) assertEquals(scaled.data()[i] - offset.data()[i], dx.data()[i], 1e-5f);
    }

    @Test
    void sameClassCountKeepsTheModelAndBadSpecsAreNamed() {
        Model base = trained();
        FineTuning.Result same = FineTuning.withClasses(base, 10, 7);
        assertSame(base, same.model());
        assertNull(same.head());
        assertEquals(List.of("conv2d"), FineTuning.freeze(base, "1"));
        assertEquals(List.of("conv2d", "batch_normalization"), FineTuning.freeze(trained(), "max_pooling2d"));
        FoveaException e = assertThrows(FoveaException.class, () -> FineTuning.freeze(base, "conv9"));
        assertTrue(e.getMessage().startsWith("freeze conv9: not base, a layer count or a layer of model sequential (conv2d, "), e.getMessage());
        assertFalse(trained().layers().get(0).frozen());
        assertNotNull(FineTuning.withClasses(base, 3, 1).head());
    }
}
