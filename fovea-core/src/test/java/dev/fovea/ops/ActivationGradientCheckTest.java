package dev.fovea.ops;

import dev.fovea.gradcheck.Close;
import dev.fovea.gradcheck.DoubleOps;
import dev.fovea.gradcheck.FiniteDifferences;
import dev.fovea.gradcheck.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tier 1 for the element-wise and row-wise ops: ReLU, sigmoid, tanh, softmax, dropout (with a
 * fixed mask) and the fused softmax cross-entropy, each against central differences of its
 * double-precision forward. Except for the cross-entropy (already a scalar), the loss is
 * L = Σ w ⊙ y for a random w.
 */
class ActivationGradientCheckTest {
    private static final int SIZE = 60;

    @Test
    void reluMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(1);
        float[] x = TestData.awayFromZero(rng, SIZE);   // no input within 0.1 of the kink
        float[] y = new float[SIZE];
        ReluOp.forward(y, x, SIZE);
        Close.scaled("forward", y, DoubleOps.relu(TestData.toDouble(x)), 0);   // exact: max(0, x) only selects
        checkElementwise("relu", x, y, DoubleOps::relu, (dx, dy) -> ReluOp.backward(dx, dy, y, SIZE), rng);
    }

    /** Not differentiable at 0; Fovea documents PyTorch's choice there: a gradient of 0. */
    @Test
    void reluGradientAtZeroIsZero() {
        float[] x = {0f, -0f, 1e-30f, -1e-30f};
        float[] y = new float[x.length];
        ReluOp.forward(y, x, x.length);
        float[] dx = new float[x.length];
        ReluOp.backward(dx, new float[]{5f, 5f, 5f, 5f}, y, x.length);
        assertArrayEquals(new float[]{0f, 0f, 5f, 0f}, dx);
    }

    @Test
    void sigmoidMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(2);
        // Up to |x| = 8: both of the op's branches, and the saturated tails where 1 - y loses bits.
        float[] x = TestData.uniform(rng, SIZE, 8);
        float[] y = new float[SIZE];
        SigmoidOp.forward(y, x, SIZE);
        Close.scaled("forward", y, DoubleOps.sigmoid(TestData.toDouble(x)));
        checkElementwise("sigmoid", x, y, DoubleOps::sigmoid, (dx, dy) -> SigmoidOp.backward(dx, dy, y, SIZE), rng);
    }

    @Test
    void tanhMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = TestData.uniform(rng, SIZE, 4);
        float[] y = new float[SIZE];
        TanhOp.forward(y, x, SIZE);
        Close.scaled("forward", y, DoubleOps.tanh(TestData.toDouble(x)));
        checkElementwise("tanh", x, y, DoubleOps::tanh, (dx, dy) -> TanhOp.backward(dx, dy, y, SIZE), rng);
    }

    @Test
    void dropoutWithFixedMaskMatchesFiniteDifferences() {
        float rate = 0.3f;
        float[] x = TestData.uniform(new SplittableRandom(4), SIZE, 1);
        float[] y = new float[SIZE];
        float[] mask = new float[SIZE];
        DropoutOp.forward(y, mask, x, SIZE, rate, new SplittableRandom(5));

        // The mask is a function of the seed alone: the same seed gives the same mask.
        float[] again = new float[SIZE];
        DropoutOp.forward(new float[SIZE], again, x, SIZE, rate, new SplittableRandom(5));
        assertArrayEquals(mask, again, "same seed, same mask");
        float keep = 1f / (1f - rate);
        int dropped = 0;
        for (float m : mask) {
            assertTrue(m == 0f || m == keep, "mask values are 0 or 1/(1-rate), got " + m);
            if (m == 0f) dropped++;
        }
        assertTrue(dropped > 0 && dropped < SIZE, "a " + SIZE + "-element mask at rate 0.3 both drops and keeps: " + dropped);

        double[] md = TestData.toDouble(mask);
        Close.scaled("forward", y, DoubleOps.multiply(TestData.toDouble(x), md));
        checkElementwise("dropout", x, y, p -> DoubleOps.multiply(p, md),
                (dx, dy) -> DropoutOp.backward(dx, dy, mask, SIZE), new SplittableRandom(6));
    }

    @ParameterizedTest(name = "rows={0} k={1} logit scale={2}")
    @CsvSource({"3, 5, 3", "1, 7, 1", "2, 2, 1", "4, 10, 20"})
    void softmaxMatchesFiniteDifferences(int rows, int k, double scale) {
        SplittableRandom rng = new SplittableRandom(rows * 100L + k);
        float[] x = TestData.uniform(rng, rows * k, scale);   // (rows, K)
        // Shift the first row by 100 (softmax is shift invariant): e^100 overflows float, so this
        // only works if the row maximum is subtracted before exp.
        for (int j = 0; j < k; j++) x[j] += 100;
        float[] y = new float[x.length];
        SoftmaxOp.forward(y, x, rows, k);
        double[] xd = TestData.toDouble(x);
        Close.scaled("forward", y, DoubleOps.softmax(xd, rows, k));

        float[] w = TestData.uniform(rng, x.length, 1);
        double[] wd = TestData.toDouble(w);
        float[] dx = TestData.filled(x.length, Float.NaN);   // overwritten
        SoftmaxOp.backward(dx, w, y, rows, k);
        Close.scaled("dx", dx, FiniteDifferences.gradient(p -> DoubleOps.dot(wd, DoubleOps.softmax(p, rows, k)), xd.clone()));
    }

    @ParameterizedTest(name = "n={0} k={1} logit scale={2}")
    @CsvSource({"4, 5, 1", "1, 3, 1", "6, 10, 2", "2, 2, 1", "3, 4, 25"})
    void softmaxCrossEntropyMatchesFiniteDifferences(int n, int k, double scale) {
        SplittableRandom rng = new SplittableRandom(n * 1000L + k);
        float[] logits = TestData.uniform(rng, n * k, scale);   // (N, K)
        int[] labels = new int[n];
        for (int r = 0; r < n; r++) labels[r] = rng.nextInt(k);
        double[] zd = TestData.toDouble(logits);

        float[] probs = new float[logits.length];
        double loss = SoftmaxCrossEntropyOp.forward(probs, logits, labels, n, k);
        double expectedLoss = DoubleOps.softmaxCrossEntropy(zd, labels, n, k);
        // The op accumulates the loss in double from float logits: only the float (z - max) rounds.
        assertTrue(Math.abs(loss - expectedLoss) <= 1e-6 * Math.max(1, Math.abs(expectedLoss)),
                "loss " + loss + ", expected " + expectedLoss);
        Close.scaled("probs", probs, DoubleOps.softmax(zd, n, k));

        float[] dLogits = TestData.filled(logits.length, Float.NaN);   // overwritten
        SoftmaxCrossEntropyOp.backward(dLogits, probs, labels, n, k);
        Close.scaled("dLogits", dLogits, FiniteDifferences.gradient(
                p -> DoubleOps.softmaxCrossEntropy(p, labels, n, k), zd.clone()));
    }

    interface Backward {
        void run(float[] dx, float[] dy);
    }

    /**
     * Checks an element-wise backward against finite differences of its double forward, both into
     * a separate dx (pre-filled with NaN: it must be overwritten) and in place (dx aliasing dy, as
     * the ops allow and the layers do).
     */
    private static void checkElementwise(String name, float[] x, float[] y,
                                         java.util.function.UnaryOperator<double[]> forward, Backward backward,
                                         SplittableRandom rng) {
        float[] w = TestData.uniform(rng, x.length, 1);
        double[] wd = TestData.toDouble(w);
        double[] expected = FiniteDifferences.gradient(p -> DoubleOps.dot(wd, forward.apply(p)), TestData.toDouble(x));

        float[] dx = TestData.filled(x.length, Float.NaN);
        backward.run(dx, w);
        Close.scaled(name + " dx", dx, expected);

        float[] inPlace = w.clone();
        backward.run(inPlace, inPlace);
        assertArrayEquals(dx, inPlace, name + ": dx aliasing dy gives the same gradient");
    }
}
