package dev.fovea.nn;

import dev.fovea.model.Presets;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One built model, many threads: inference keeps its buffers in each thread's workspace, so calls
 * running at once give exactly (bit for bit) what the same calls give one after another.
 */
class ConcurrentInferenceTest {
    private static final int THREADS = 8, ROUNDS = 2;
    private static final int[] BATCHES = {1, 3, 8, 17, 5};

    private static List<Tensor> inputs(Shape example, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Tensor x = Tensor.zeros(example.withBatch(BATCHES[i % BATCHES.length]));
            float[] d = x.data();
            for (int j = 0; j < d.length; j++) d[j] = (float) r.nextDouble();
            xs.add(x);
        }
        return xs;
    }

    /** A residual graph: fan-out into a convolution and a skip, added, then the usual head. */
    private static Graph residual() {
        Graph g = new Graph("residual");
        int c1 = g.addNode(new Conv2D(8, 3, "relu").padding("same"), Graph.MODEL_INPUT);
        int c2 = g.addNode(new Conv2D(8, 3).padding("same"), c1);
        int add = g.addNode(new Add(), c1, c2);
        int bn = g.addNode(new BatchNormalization(), add);
        int act = g.addNode(new ActivationLayer("relu"), bn);
        int pool = g.addNode(new MaxPool2D(2), act);
        int c3 = g.addNode(new Conv2D(new Conv2D.Config(8, 3).withGroups(2).withDilation(2, 1)
                .withPadding(WindowPadding.explicit(2, 1, 2, 1))), pool);
        int cat = g.addNode(new Concatenate(), pool, c3);
        int gap = g.addNode(GlobalPooling2D.average(), cat);
        g.addNode(new Dense(5, "softmax"), gap);
        return g.seed(9).build(Shape.of(12, 12, 3));
    }

    private static void assertConcurrentEqualsSequential(Graph model, List<Tensor> xs, BiFunction<Graph, Tensor, Tensor> run) throws Exception {
        List<int[]> expected = new ArrayList<>();
        for (Tensor x : xs) expected.add(bits(run.apply(model, x)));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    start.await();
                    int checked = 0;
                    for (int round = 0; round < ROUNDS; round++) {
                        for (int k = 0; k < xs.size(); k++) {
                            int i = (k + offset * 5 + round) % xs.size();   // each thread its own order of batch sizes
                            assertArrayEquals(expected.get(i), bits(run.apply(model, xs.get(i))), "input " + i + " on thread " + offset);
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            start.countDown();
            for (Future<Integer> f : results) assertEquals(ROUNDS * xs.size(), f.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static int[] bits(Tensor t) {
        float[] d = t.data();
        int[] b = new int[d.length];
        for (int i = 0; i < d.length; i++) b[i] = Float.floatToRawIntBits(d[i]);
        return b;
    }

    @Test
    void convNetFromManyThreadsEqualsSequentialCalls() throws Exception {
        // The fovea-small preset: augmentation (identity at inference), convolutions, batch norm, pooling, dropout, Dense.
        Graph m = Presets.foveaSmall().seed(4).build(Shape.of(16, 16, 1));
        List<Tensor> xs = inputs(m.inputShape(), 10, 1);
        assertConcurrentEqualsSequential(m, xs, (g, x) -> g.forward(x, ForwardContext.INFERENCE));
        assertConcurrentEqualsSequential(m, xs, Graph::infer);
    }

    @Test
    void residualGraphFromManyThreadsEqualsSequentialCalls() throws Exception {
        Graph g = residual();
        List<Tensor> xs = inputs(g.inputShape(), 10, 2);
        assertConcurrentEqualsSequential(g, xs, (m, x) -> m.forward(x, ForwardContext.INFERENCE));
        assertConcurrentEqualsSequential(g, xs, Graph::infer);
    }

    /** The ONNX-operator layers (MobileNetV3's HardSwish, ConvNeXt's LayerNorm and Gelu, FCN's Resize, a global mean). */
    @Test
    void onnxOperatorLayersFromManyThreadsEqualSequentialCalls() throws Exception {
        Graph g = new Graph("onnx-ops");
        int c = g.addNode(new Conv2D(6, 3).padding("same"), Graph.MODEL_INPUT);
        int hs = g.addNode(UnaryMath.of(UnaryMath.Function.HARD_SWISH), c);
        int ln = g.addNode(new LayerNormalization(3, 1e-5), hs);
        int ge = g.addNode(UnaryMath.of(UnaryMath.Function.GELU), ln);
        int up = g.addNode(new Resize2D(new Resize2D.Config(14, 14, 14 / 10.0, 14 / 10.0, Resize2D.Mode.LINEAR,
                Resize2D.Coordinates.HALF_PIXEL, Resize2D.Rounding.ROUND_PREFER_FLOOR)), ge);
        int mean = g.addNode(new Reduce(Reduce.Op.MEAN, new int[] {1, 2}, false), up);
        g.addNode(new Dense(4, "softmax"), mean);
        g.seed(5).build(Shape.of(10, 10, 3));
        List<Tensor> xs = inputs(g.inputShape(), 10, 3);
        assertConcurrentEqualsSequential(g, xs, (m, x) -> m.forward(x, ForwardContext.INFERENCE));
        assertConcurrentEqualsSequential(g, xs, Graph::infer);
    }
}
