package dev.fovea.data.pipeline;

import dev.fovea.FoveaException;
import dev.fovea.nn.ExampleTransform;
import dev.fovea.nn.RandomFlip;
import dev.fovea.nn.RandomRotation;
import dev.fovea.nn.Rescaling;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.Batch;
import dev.fovea.train.BatchIterator;
import dev.fovea.train.InMemoryData;
import dev.fovea.train.TrainingData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingDataTest {
    static Tensor images(int n, int h, int w, int c, long seed) {
        Tensor t = Tensor.zeros(n, h, w, c);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) r.nextDouble();
        return t;
    }

    static int[] labels(int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = (i * 7) % 5;
        return y;
    }

    /** Every batch of an epoch, copied. */
    static List<float[]> epoch(TrainingData d, long seed, int epoch, int batch, boolean shuffle, int from, List<int[]> labelsOut) {
        List<float[]> out = new ArrayList<>();
        try (BatchIterator it = d.batches(seed, epoch, batch, shuffle, from)) {
            for (Batch b = it.next(); b != null; b = it.next()) {
                out.add(b.images().data().clone());
                if (labelsOut != null) labelsOut.add(b.labels().clone());
                assertEquals(b.size(), b.images().dim(0));
            }
        }
        return out;
    }

    static void assertSameBatches(List<float[]> a, List<float[]> b, String what) {
        assertEquals(a.size(), b.size(), what + ": batch count");
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), what + ": batch " + i);
    }

    @Test
    void batchesAreThoseOfInMemoryDataForEverySeedEpochAndResumePoint() {
        Tensor x = images(103, 4, 3, 2, 1);
        int[] y = labels(103);
        InMemoryData mem = new InMemoryData(x, y);
        try (StreamingData s = StreamingData.from(Examples.of(x, y)).workers(2).prefetch(3).build()) {
            for (boolean shuffle : new boolean[] {false, true}) {
                for (int epoch = 0; epoch < 3; epoch++) {
                    for (int from : new int[] {0, 2, 11, 99}) {
                        List<int[]> ly = new ArrayList<>(), lm = new ArrayList<>();
                        String what = "shuffle " + shuffle + " epoch " + epoch + " from " + from;
                        assertSameBatches(epoch(mem, 7, epoch, 10, shuffle, from, lm), epoch(s, 7, epoch, 10, shuffle, from, ly), what);
                        for (int i = 0; i < lm.size(); i++) assertArrayEquals(lm.get(i), ly.get(i), what + " labels " + i);
                    }
                }
            }
        }
    }

    static List<ExampleTransform> augmentation() {
        return List.of(new RandomFlip(), new RandomRotation(0.1), new Rescaling(2, -1));
    }

    @Test
    void augmentedBatchesDoNotDependOnWorkersOrPrefetch() {
        Tensor x = images(57, 6, 5, 3, 2);
        int[] y = labels(57);
        List<float[]> reference = null;
        for (int workers : new int[] {0, 1, 3}) {
            for (int prefetch : new int[] {1, 2, 6}) {
                try (StreamingData s = StreamingData.from(Examples.of(x, y)).transforms(augmentation()).workers(workers).prefetch(prefetch).build()) {
                    List<float[]> got = new ArrayList<>();
                    for (int e = 0; e < 2; e++) got.addAll(epoch(s, 3, e, 8, true, 0, null));
                    if (reference == null) reference = got;
                    else assertSameBatches(reference, got, workers + " workers, prefetch " + prefetch);
                }
            }
        }
    }

    @Test
    void anExampleIsAugmentedByItsSeedEpochAndIndexWhereverItLands() {
        Tensor x = images(40, 6, 5, 1, 3);
        int[] y = new int[40];
        for (int i = 0; i < 40; i++) y[i] = i;   // the label tells which example a row is
        int size = 30;
        try (StreamingData s = StreamingData.from(Examples.of(x, y)).transforms(augmentation()).build()) {
            float[][] byIndex = new float[40][];
            List<int[]> labels = new ArrayList<>();
            List<float[]> batches = epoch(s, 5, 1, 7, true, 0, labels);
            for (int b = 0; b < batches.size(); b++) {
                for (int j = 0; j < labels.get(b).length; j++) {
                    byIndex[labels.get(b)[j]] = Arrays.copyOfRange(batches.get(b), j * size, (j + 1) * size);
                }
            }
            // Another batch size and no shuffling put every example elsewhere: same content.
            labels.clear();
            batches = epoch(s, 5, 1, 16, false, 0, labels);
            for (int b = 0; b < batches.size(); b++) {
                for (int j = 0; j < labels.get(b).length; j++) {
                    assertArrayEquals(byIndex[labels.get(b)[j]], Arrays.copyOfRange(batches.get(b), j * size, (j + 1) * size));
                }
            }
            // Another epoch draws again.
            List<float[]> next = epoch(s, 5, 2, 16, false, 0, null);
            assertFalse(Arrays.equals(batches.get(0), next.get(0)));
        }
    }

    @Test
    void withoutAugmentationKeepsOnlyTheDeterministicTransforms() {
        Tensor x = images(9, 4, 4, 1, 4);
        try (StreamingData s = StreamingData.from(Examples.of(x, labels(9))).transforms(augmentation()).build();
             StreamingData plain = s.withoutAugmentation()) {
            float[] got = epoch(plain, 1, 0, 9, false, 0, null).get(0);
            for (int i = 0; i < got.length; i++) assertEquals(x.data()[i] * 2 - 1, got[i], 1e-6);
            InMemoryData m = s.materialize();
            assertArrayEquals(got, m.images().data());
            assertArrayEquals(labels(9), m.labels());
        }
    }

    @Test
    void batchBuffersAreARingReusedAcrossEpochs() {
        Tensor x = images(100, 2, 2, 1, 5);
        try (StreamingData s = StreamingData.from(Examples.of(x, labels(100))).workers(1).prefetch(3).build()) {
            IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
            for (int e = 0; e < 4; e++) {
                try (BatchIterator it = s.batches(1, e, 9, true, 0)) {
                    for (Batch b = it.next(); b != null; b = it.next()) {
                        seen.put(b.images(), true);
                        seen.put(b.labels(), true);
                    }
                }
            }
            // 4 slots, each with a full and a short tensor and label array, whatever the epochs.
            assertTrue(seen.size() <= 16, "distinct buffers " + seen.size());
        }
    }

    /** Examples that count their reads, slowly, and fail at one index if asked. */
    static final class Probe implements Examples {
        final AtomicInteger reads = new AtomicInteger();
        final int failAt, bugAt;
        final long sleepMillis;

        Probe(int failAt, long sleepMillis) {
            this(failAt, -1, sleepMillis);
        }

        Probe(int failAt, int bugAt, long sleepMillis) {
            this.failAt = failAt;
            this.bugAt = bugAt;
            this.sleepMillis = sleepMillis;
        }

        @Override public int size() { return 200; }
        @Override public Shape exampleShape() { return Shape.of(1, 1, 1); }
        @Override public int label(int i) { return 0; }

        @Override public void read(int i, float[] dst, int off) {
            reads.incrementAndGet();
            if (i == failAt) throw new FoveaException("cat/" + i + ".png: corrupt PNG image (test)");
            if (i == bugAt) throw new IllegalStateException("decoder bug");
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            dst[off] = i;
        }

        @Override public String describe(int i) { return "probe " + i; }
    }

    @Test
    void closingStopsTheBackgroundWork() throws InterruptedException {
        Probe p = new Probe(-5, 2);
        try (StreamingData s = StreamingData.from(p).workers(2).prefetch(8).build()) {
            BatchIterator it = s.batches(0, 0, 4, false, 0);
            assertEquals(0f, it.next().images().data()[0]);
            it.close();
            int after = p.reads.get();
            Thread.sleep(100);
            assertEquals(after, p.reads.get(), "reads continued after close");
            assertTrue(after < 200, "the whole epoch was read: " + after);
            assertThrows(IllegalStateException.class, it::next);
            it.close();   // twice is fine
        }
    }

    @Test
    void aFailedExampleStopsTheEpochWithItsOwnMessage() {
        for (int workers : new int[] {0, 2}) {
            try (StreamingData s = StreamingData.from(new Probe(13, 0)).workers(workers).build();
                 BatchIterator it = s.batches(0, 0, 5, false, 0)) {
                it.next();
                it.next();
                FoveaException e = assertThrows(FoveaException.class, it::next);
                assertEquals("cat/13.png: corrupt PNG image (test)", e.getMessage());
                assertSame(e, assertThrows(FoveaException.class, it::next));
            }
            try (StreamingData s = StreamingData.from(new Probe(-5, 0)).workers(workers).build();
                 BatchIterator it = s.batches(0, 0, 5, false, 0)) {
                assertEquals(1f, it.next().images().data()[1]);
            }
            try (StreamingData s = StreamingData.from(new Probe(-5, 29, 0)).workers(workers).build();
                 BatchIterator it = s.batches(0, 0, 50, false, 0)) {
                // A plain runtime exception (a decoder bug) is reported naming the example.
                FoveaException e = assertThrows(FoveaException.class, it::next);
                assertEquals("probe 29: cannot be read (java.lang.IllegalStateException: decoder bug)", e.getMessage());
            }
        }
    }

    @Test
    void endOfEpochAndEmptyResume() {
        try (StreamingData s = StreamingData.from(Examples.of(images(10, 1, 1, 1, 1), labels(10))).build();
             BatchIterator it = s.batches(0, 0, 4, true, 3)) {
            assertNull(it.next());
            assertNull(it.next());
        }
        assertThrows(FoveaException.class, () -> StreamingData.from(Examples.of(Tensor.zeros(0, 1, 1, 1), new int[0])).build());
    }

    @Test
    void closedPipelineRefusesNewEpochsClearly() {
        StreamingData s = StreamingData.from(Examples.of(images(10, 1, 1, 1, 1), labels(10))).workers(1).build();
        s.close();
        assertEquals("the data pipeline is closed", assertThrows(FoveaException.class, () -> s.batches(0, 0, 4, true, 0)).getMessage());
    }
}
