package dev.fovea.predict;

import dev.fovea.FoveaException;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming predictor against Model.predict on the same tensor: order, error rows, bounded read-ahead, failures. */
class StreamingPredictorTest {
    private static final List<String> CLASSES = List.of("a", "b", "c", "d", "e");

    private static Model model(String lastActivation) {
        Model m = Sequential.of(new Conv2D(4, 3, "relu"), new MaxPool2D(2, 2), new Flatten(), new Dense(5, lastActivation));
        m.seed(7).build(8, 8, 1);
        m.classNames(CLASSES);
        return m;
    }

    private static Tensor images(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 64];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        return Tensor.of(x, n, 8, 8, 1);
    }

    private static List<PredictionInput> inputs(Tensor x) {
        List<PredictionInput> l = new ArrayList<>();
        for (int i = 0; i < x.dim(0); i++) {
            float[] v = new float[64];
            System.arraycopy(x.data(), i * 64, v, 0, 64);
            l.add(PredictionInput.of("img" + i, v));
        }
        return l;
    }

    private static float[] row(Tensor t, int i) {
        int k = t.dim(1);
        float[] r = new float[k];
        System.arraycopy(t.data(), i * k, r, 0, k);
        return r;
    }

    @Test
    void resultsEqualModelPredictInInputOrder() {
        Model m = model("softmax");
        Tensor x = images(23, 1);
        Tensor expected = m.predict(x);
        for (int readers : new int[] {1, 3}) {
            List<PredictionResult> got = new ArrayList<>();
            int batches = 0;
            try (PredictionStream s = new StreamingPredictor(m).batchSize(5).readers(readers).topK(2).predict(inputs(x).iterator())) {
                for (List<PredictionResult> b; (b = s.nextBatch()) != null; batches++) {
                    assertTrue(b.size() <= 5);
                    got.addAll(b);
                }
                assertEquals(23, s.stats().inputs());
                assertEquals(5, s.stats().batches());
            }
            assertEquals(5, batches, "23 inputs in batches of 5");
            assertEquals(23, got.size());
            for (int i = 0; i < 23; i++) {
                PredictionResult r = got.get(i);
                assertEquals(i, r.index());
                assertEquals("img" + i, r.name());
                assertTrue(r.ok());
                assertArrayEquals(row(expected, i), r.probabilities(), 1e-6f, "row " + i + " with " + readers + " readers");
                assertEquals(2, r.top().size());
                int best = 0;
                for (int c = 1; c < 5; c++) if (r.probabilities()[c] > r.probabilities()[best]) best = c;
                assertEquals(best, r.top().get(0).classIndex());
                assertEquals(CLASSES.get(best), r.top().get(0).label());
            }
        }
    }

    @Test
    void aResultDoesNotDependOnItsBatch() {
        // Batches always run at full size, so an input's probabilities are the same alone or among others.
        Model m = model("softmax");
        Tensor x = images(7, 2);
        List<PredictionResult> all = new ArrayList<>();
        new StreamingPredictor(m).batchSize(4).predict(inputs(x).iterator()).forEachRemaining(all::add);
        List<PredictionResult> last = new ArrayList<>();
        new StreamingPredictor(m).batchSize(4).predict(inputs(x).subList(6, 7).iterator()).forEachRemaining(last::add);
        assertArrayEquals(all.get(6).probabilities(), last.get(0).probabilities());
    }

    @Test
    void inputsThatFailToReadBecomeErrorRowsAndTheRestIsPredicted() {
        Model m = model("softmax");
        Tensor x = images(10, 3);
        Tensor expected = m.predict(x);
        List<PredictionInput> in = new ArrayList<>(inputs(x));
        for (int bad : new int[] {0, 4, 5, 6, 7}) {   // batch 1 (4..7) fails entirely: no forward pass for it
            String name = "img" + bad;
            in.set(bad, new PredictionInput() {
                @Override public String name() { return name; }
                @Override public void read(float[] dst, int off) { throw new FoveaException(name + ": truncated PNG image"); }
            });
        }
        in.set(9, new PredictionInput() {
            @Override public String name() { return "img9"; }
            @Override public void read(float[] dst, int off) { throw new IllegalStateException("decoder bug"); }
        });
        List<PredictionResult> got = new ArrayList<>();
        try (PredictionStream s = new StreamingPredictor(m).batchSize(4).predict(in.iterator())) {
            s.forEachRemaining(got::add);
            assertEquals(6, s.stats().failed());
        }
        assertEquals(10, got.size());
        for (int i = 0; i < 10; i++) {
            PredictionResult r = got.get(i);
            assertEquals("img" + i, r.name());
            if (i == 0 || (i >= 4 && i <= 7)) {
                assertEquals("truncated PNG image", r.error(), "the name is not repeated in the error");
                assertNull(r.probabilities());
                assertTrue(r.top().isEmpty());
            } else if (i == 9) {
                assertEquals("IllegalStateException: decoder bug", r.error());
            } else {
                assertTrue(r.ok(), r.error());
                assertArrayEquals(row(expected, i), r.probabilities(), 1e-6f, "row " + i + " after failed rows");
            }
        }
    }

    @Test
    void readersStayABoundedNumberOfBatchesAhead() throws Exception {
        Model m = model("softmax");
        float[] v = new float[64];
        AtomicInteger pulled = new AtomicInteger();
        Iterator<PredictionInput> endless = new Iterator<>() {
            @Override public boolean hasNext() { return true; }
            @Override public PredictionInput next() { return PredictionInput.of("x" + pulled.getAndIncrement(), v); }
        };
        int batch = 3, readers = 2;
        try (PredictionStream s = new StreamingPredictor(m).batchSize(batch).readers(readers).predict(endless)) {
            assertEquals(batch, s.nextBatch().size());
            // One batch consumed and readers + 1 slots: the readers can hold batches 1 .. readers + 1, and no more.
            int bound = (readers + 2) * batch;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (pulled.get() < bound && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(bound, pulled.get(), "the readers fill every free slot");
            Thread.sleep(200);
            assertEquals(bound, pulled.get(), "and then wait for the consumer");
            assertEquals(batch, s.nextBatch().size());
            deadline = System.nanoTime() + 10_000_000_000L;
            while (pulled.get() < bound + batch && System.nanoTime() < deadline) Thread.sleep(5);
            Thread.sleep(200);
            assertEquals(bound + batch, pulled.get(), "each batch taken frees exactly one batch of read-ahead");
        }
        int after = pulled.get();
        Thread.sleep(100);
        assertEquals(after, pulled.get(), "closing stops the readers");
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("fovea-predict-reader") && t.isAlive()));
    }

    @Test
    void aFailingSourceEndsTheStreamWithItsErrorAfterTheBatchesBeforeIt() {
        Model m = model("softmax");
        List<PredictionInput> ok = inputs(images(8, 4));
        FoveaException boom = new FoveaException("photos/: cannot list (permission denied)");
        Iterator<PredictionInput> failing = new Iterator<>() {
            int i;
            @Override public boolean hasNext() {
                if (i == 6) throw boom;
                return true;
            }
            @Override public PredictionInput next() { return ok.get(i++); }
        };
        try (PredictionStream s = new StreamingPredictor(m).batchSize(3).predict(failing)) {
            assertEquals(3, s.nextBatch().size());
            assertEquals(3, s.nextBatch().size());
            assertSame(boom, assertThrows(FoveaException.class, s::nextBatch));
        }
    }

    @Test
    void logitsBecomeProbabilities() {
        Model m = model("linear");
        Tensor x = images(3, 5);
        Tensor logits = dev.fovea.train.Predictor.predict(m, x);   // raw outputs: Model.predict already applies the softmax
        List<PredictionResult> got = new ArrayList<>();
        new StreamingPredictor(m).batchSize(2).predict(inputs(x).iterator()).forEachRemaining(got::add);
        for (int i = 0; i < 3; i++) {
            float[] z = row(logits, i);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float v : z) max = Math.max(max, v);
            for (float v : z) sum += Math.exp(v - max);
            float[] p = got.get(i).probabilities();
            for (int c = 0; c < 5; c++) assertEquals(Math.exp(z[c] - max) / sum, p[c], 1e-6);
        }
    }

    @Test
    void emptySourceGivesNoResults() {
        try (PredictionStream s = new StreamingPredictor(model("softmax")).predict(List.<PredictionInput>of().iterator())) {
            assertNull(s.nextBatch());
            assertFalse(s.hasNext());
        }
    }

    @Test
    void defaultBatchSizeFollowsActivationSize() {
        assertEquals(StreamingPredictor.MAX_DEFAULT_BATCH, StreamingPredictor.defaultBatchSize(model("softmax")));
        Model big = Sequential.of(new Conv2D(64, 3, "relu"));
        big.build(512, 512, 3);
        // Input 0.79M floats and a conv output of 16.6M: about 70 MB an example, so one fits the 96 MB budget.
        assertEquals(1, StreamingPredictor.defaultBatchSize(big));
        assertThrows(IllegalArgumentException.class, () -> new StreamingPredictor(model("softmax")).batchSize(0));
    }
}
