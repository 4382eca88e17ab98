package dev.fovea.nn;

import dev.fovea.model.Model;
import dev.fovea.model.Sequential;
import dev.fovea.model.Presets;
import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Model.infer (the convolutional front a few images at a time) gives what forward gives for the whole batch. */
class ChunkedInferenceTest {
    private static Tensor images(int n, Shape shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[n * shape.size()];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextDouble();
        return new Tensor(shape.withBatch(n), d);
    }

    /** Chunks run on one worker only, so infer is compared at one thread and at the pool's size. */
    private static void assertInferEqualsForward(Model m, Tensor x) {
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            assertInferEqualsForwardNow(m, x);
        } finally {
            Parallel.setThreads(threads);
        }
        assertInferEqualsForwardNow(m, x);
    }

    private static void assertInferEqualsForwardNow(Model m, Tensor x) {
        float[] expected = m.forward(x, ForwardContext.INFERENCE).data().clone();
        float[] actual = m.infer(x).data();
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * Math.max(1f, Math.abs(expected[i])), "output " + i);
        }
    }

    @Test
    void courseNotesModelInChunksEqualsWholeBatch() {
        Model m = Presets.notes(0.4).seed(3).build(Shape.of(32, 32, 3));
        ChunkedInference plan = ChunkedInference.plan(m);
        assertNotNull(plan, "a chain of convolutions, pooling and dense layers is chunked");
        // 67 images: several whole chunks and a short last one; then a batch that fits one chunk.
        assertInferEqualsForward(m, images(67, m.inputShape(), 1));
        assertInferEqualsForward(m, images(2, m.inputShape(), 2));
        assertInferEqualsForward(m, images(67, m.inputShape(), 3));   // buffers reused across calls
    }

    @Test
    void batchNormalizedPresetWithAugmentationEqualsWholeBatch() {
        Model m = Presets.foveaSmall().seed(5).build(Shape.of(28, 28, 1));
        assertNotNull(ChunkedInference.plan(m));
        assertInferEqualsForward(m, images(50, m.inputShape(), 4));
    }

    @Test
    void graphsThatAreNotChainsRunTheOrdinaryForward() {
        Model m = new Model("residual");
        int c = m.addNode(new Conv2D(4, 3).padding("same"), Model.MODEL_INPUT);
        int c2 = m.addNode(new Conv2D(4, 3).padding("same"), c);
        int sum = m.addNode(new Add(), c, c2);
        int f = m.addNode(new Flatten(), sum);
        m.addNode(new Dense(3, "softmax"), f);
        m.seed(1).build(Shape.of(8, 8, 2));
        assertNull(ChunkedInference.plan(m));
        assertInferEqualsForward(m, images(9, m.inputShape(), 6));
    }

    @Test
    void modelsWithoutConvolutionInFrontAreNotChunked() {
        Model m = Sequential.of(new Flatten(), new Dense(4, "relu"), new Dense(2, "softmax")).seed(1).build(Shape.of(4, 4, 1));
        assertNull(ChunkedInference.plan(m));
        assertInferEqualsForward(m, images(5, m.inputShape(), 7));
    }
}
