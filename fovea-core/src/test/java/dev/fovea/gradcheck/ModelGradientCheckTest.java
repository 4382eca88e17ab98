package dev.fovea.gradcheck;

import dev.fovea.nn.ActivatedLayer;
import dev.fovea.nn.ActivationLayer;
import dev.fovea.nn.AveragePooling2D;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Dropout;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.ForwardContext;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.model.Sequential;
import dev.fovea.ops.SoftmaxCrossEntropyOp;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import static dev.fovea.gradcheck.DoubleOps.Window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tier 1 for whole models: every parameter gradient that {@link Model#backward} accumulates
 * (through the layers, Flatten's view, the graph walk and the fused softmax cross-entropy) against
 * central differences of the same model written out in double precision with {@link DoubleOps}.
 *
 * <p>The loss is evaluated in double, so the usual 1e-4 of the gradient's scale applies unchanged.
 * ReLU and max pooling are not differentiable everywhere; instead of hoping, each test asserts on
 * its fixed data that every ReLU input is at least {@link #MARGIN} from 0 and that every max-pooling
 * window with a positive maximum wins by at least {@link #MARGIN}. A step of 1e-6 in one parameter
 * moves those inputs by at most ~1e-6 · max|input| (inputs are below 1), so no kink is crossed.
 */
class ModelGradientCheckTest {
    private static final double MARGIN = 1e-4;

    // Conv2D relu -> MaxPool2D -> Conv2D same + strides -> AveragePooling2D same -> Flatten -> Dense tanh -> Dense softmax.
    private static final int N = 3, H = 14, W = 14, C = 2, CLASSES = 3;
    private static final Window CONV1 = new Window(3, 3, 1, 1, false);   // (N,14,14,2) -> (N,12,12,4)
    private static final Window POOL1 = new Window(2, 2, 2, 2, false);   // -> (N,6,6,4)
    private static final Window CONV2 = new Window(3, 3, 2, 2, true);    // -> (N,3,3,6): pad 0 before, 1 after
    private static final Window POOL2 = new Window(2, 2, 2, 2, true);    // -> (N,2,2,6): windows of 4, 2 and 1 real cells

    @Test
    void convolutionalModelWithFusedSoftmaxCrossEntropy() {
        Sequential model = Sequential.of(
                new Conv2D(4, 3, "relu"),
                new MaxPool2D(2),
                new Conv2D(6, 3).strides(2).padding("same"),
                new AveragePooling2D(2).padding("same"),
                new Flatten(),
                new Dense(5, "tanh"),
                new Dense(CLASSES, "softmax"));
        model.seed(5).build(H, W, C);
        List<Parameter> params = model.parameters();
        assertEquals(List.of("conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias",
                "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"), params.stream().map(Parameter::name).toList());
        SplittableRandom rng = new SplittableRandom(12);
        randomizeBiases(params, rng);   // Keras initialises biases to 0; non-zero ones test more
        float[] x = TestData.uniform(rng, N * H * W * C, 1);   // (N, H, W, C)
        int[] labels = {2, 0, 1};
        double[] xd = TestData.toDouble(x);
        double[][] p = values(params);

        // Preconditions for differentiability at this point (see the class comment).
        double[] z1 = DoubleOps.conv2d(xd, N, H, W, C, p[0], p[1], 4, CONV1);   // (N, 12, 12, 4)
        assertAwayFromKinks(z1, N, 12, 12, 4, POOL1);

        // Fovea, as the trainer does it: softmax cross-entropy on the output layer's logits.
        for (Parameter q : params) q.zeroGrad();
        Tensor probs = model.forward(Tensor.of(x, N, H, W, C), ForwardContext.training(new SplittableRandom(1)));
        Tensor logits = ((ActivatedLayer) model.outputLayer()).preActivation();   // (N, CLASSES)
        float[] ceProbs = new float[N * CLASSES];
        double loss = SoftmaxCrossEntropyOp.forward(ceProbs, logits.data(), labels, N, CLASSES);
        float[] dLogits = new float[N * CLASSES];
        SoftmaxCrossEntropyOp.backward(dLogits, ceProbs, labels, N, CLASSES);
        model.backward(Tensor.of(dLogits, N, CLASSES), true);

        ToDoubleFunction<double[][]> doubleLoss = q -> DoubleOps.softmaxCrossEntropy(convLogits(xd, q), labels, N, CLASSES);
        double expectedLoss = doubleLoss.applyAsDouble(p);
        assertTrue(Math.abs(loss - expectedLoss) <= 1e-5 * expectedLoss, "loss " + loss + ", expected " + expectedLoss);
        Close.scaled("model output (probabilities)", probs.data(), DoubleOps.softmax(convLogits(xd, p), N, CLASSES));
        checkAllParameters(params, p, doubleLoss);
    }

    /** The convolutional model above, in double: its logits (N, CLASSES) for parameters p. */
    private static double[] convLogits(double[] x, double[][] p) {
        double[] a = DoubleOps.relu(DoubleOps.conv2d(x, N, H, W, C, p[0], p[1], 4, CONV1));   // (N, 12, 12, 4)
        a = DoubleOps.maxPool(a, N, 12, 12, 4, POOL1);                                        // (N, 6, 6, 4)
        a = DoubleOps.conv2d(a, N, 6, 6, 4, p[2], p[3], 6, CONV2);                            // (N, 3, 3, 6)
        a = DoubleOps.avgPool(a, N, 3, 3, 6, POOL2);                                          // (N, 2, 2, 6)
        // Flatten of a row-major (N, 2, 2, 6) array is the same array read as (N, 24).
        a = DoubleOps.tanh(DoubleOps.dense(a, N, 24, p[4], p[5], 5));                         // (N, 5)
        return DoubleOps.dense(a, N, 5, p[6], p[7], CLASSES);                                 // (N, CLASSES)
    }

    /**
     * The non-fused path, with the layers the convolutional model lacks: Dense relu -> Dropout ->
     * ActivationLayer tanh -> Dense sigmoid -> Dense softmax, trained on L = Σ w ⊙ probabilities,
     * so backward(dOut, false) runs softmax's own backward.
     */
    @Test
    void denseModelWithDropoutAndSoftmaxBackward() {
        int n = 4, in = 6, hidden = 7, classes = 4;
        Sequential model = Sequential.of(
                new Dense(hidden, "relu"),
                new Dropout(0.4),
                new ActivationLayer("tanh"),
                new Dense(5, "sigmoid"),
                new Dense(classes, "softmax"));
        model.seed(9).build(in);
        List<Parameter> params = model.parameters();
        SplittableRandom rng = new SplittableRandom(21);
        randomizeBiases(params, rng);
        float[] x = TestData.uniform(rng, n * in, 1);          // (N, I)
        float[] w = TestData.uniform(rng, n * classes, 1);     // dL/dprobs (N, classes)
        double[] xd = TestData.toDouble(x), wd = TestData.toDouble(w);
        double[][] p = values(params);

        // Dropout's mask depends only on the forward's generator: a lone Dropout layer fed ones with
        // the same seed reveals it. Were it not the model's mask, the gradients below would not match.
        long dropoutSeed = 77;
        Dropout probe = new Dropout(0.4);
        probe.build(Shape.of(hidden), new SplittableRandom(0));
        Tensor ones = Tensor.zeros(n, hidden);
        ones.fill(1f);
        double[] mask = TestData.toDouble(probe.forward(ones, ForwardContext.training(new SplittableRandom(dropoutSeed))).data());
        long dropped = java.util.Arrays.stream(mask).filter(v -> v == 0).count();
        assertTrue(dropped > 0 && dropped < mask.length, "the mask both drops and keeps units: " + dropped + " of " + mask.length);

        double[] z1 = DoubleOps.dense(xd, n, in, p[0], p[1], hidden);
        for (double v : z1) assertTrue(Math.abs(v) >= MARGIN, "a ReLU input lies within " + MARGIN + " of 0: " + v);

        for (Parameter q : params) q.zeroGrad();
        Tensor probs = model.forward(Tensor.of(x, n, in), ForwardContext.training(new SplittableRandom(dropoutSeed)));
        model.backward(Tensor.of(w.clone(), n, classes), false);

        java.util.function.Function<double[][], double[]> forward = q -> {
            double[] a = DoubleOps.relu(DoubleOps.dense(xd, n, in, q[0], q[1], hidden));   // (N, hidden)
            a = DoubleOps.tanh(DoubleOps.multiply(a, mask));
            a = DoubleOps.sigmoid(DoubleOps.dense(a, n, hidden, q[2], q[3], 5));          // (N, 5)
            return DoubleOps.softmax(DoubleOps.dense(a, n, 5, q[4], q[5], classes), n, classes);
        };
        Close.scaled("model output (probabilities)", probs.data(), forward.apply(p));
        checkAllParameters(params, p, q -> DoubleOps.dot(wd, forward.apply(q)));
    }

    private static void randomizeBiases(List<Parameter> params, SplittableRandom rng) {
        for (Parameter q : params) {
            if (q.name().endsWith("/bias")) {
                float[] b = TestData.uniform(rng, q.size(), 0.2);
                System.arraycopy(b, 0, q.value().data(), 0, b.length);
            }
        }
    }

    private static double[][] values(List<Parameter> params) {
        double[][] p = new double[params.size()][];
        for (int i = 0; i < p.length; i++) p[i] = TestData.toDouble(params.get(i).value().data());
        return p;
    }

    /** Each parameter's accumulated gradient against finite differences in that parameter alone. */
    private static void checkAllParameters(List<Parameter> params, double[][] p, ToDoubleFunction<double[][]> loss) {
        for (int i = 0; i < p.length; i++) {
            int which = i;
            double[] expected = FiniteDifferences.gradient(q -> {
                double[][] all = p.clone();
                all[which] = q;
                return loss.applyAsDouble(all);
            }, p[i].clone());
            Close.scaled(params.get(i).name() + " gradient", params.get(i).grad().data(), expected);
        }
    }

    /**
     * ReLU inputs z (N, H, W, C) are all at least MARGIN from 0, and max pooling of relu(z) with
     * the given "valid" window has, wherever its maximum is positive, a winner ahead by MARGIN.
     */
    private static void assertAwayFromKinks(double[] z, int n, int h, int w, int c, Window pool) {
        for (int i = 0; i < z.length; i++) {
            assertTrue(Math.abs(z[i]) >= MARGIN, "ReLU input " + i + " lies within " + MARGIN + " of 0: " + z[i]);
        }
        int oh = (h - pool.kh()) / pool.sh() + 1, ow = (w - pool.kw()) / pool.sw() + 1;
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int ch = 0; ch < c; ch++) {
                        double best = 0, second = 0;   // relu outputs are >= 0
                        for (int ky = 0; ky < pool.kh(); ky++)
                            for (int kx = 0; kx < pool.kw(); kx++) {
                                double v = Math.max(0, z[((b * h + oy * pool.sh() + ky) * w + ox * pool.sw() + kx) * c + ch]);
                                if (v > best) {
                                    second = best;
                                    best = v;
                                } else if (v > second) {
                                    second = v;
                                }
                            }
                        assertTrue(best == 0 || best - second >= MARGIN,
                                "max-pooling window (" + b + ", " + oy + ", " + ox + ", " + ch + ") has a near tie: " + best + " vs " + second);
                    }
    }
}
