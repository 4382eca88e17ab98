package dev.fovea.nn;

import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks a layer's backward (every input gradient and every parameter gradient) against central
 * differences of its own forward, for L = Σ w ⊙ y with a fixed random w. The forward runs in
 * float32, so the step is large (h = 1e-2 by default) and the loss is summed in double: rounding
 * then contributes about 1e-7 · |L| / h, truncation about h² · |f'''|, both far below the
 * tolerance of 2e-3 of the gradient's largest component; a wrong derivative is off by O(1).
 * Inputs must keep kinks (ReLU-like, max, clip) more than h away, which callers arrange.
 */
final class LayerGradientChecker {
    static final double TOLERANCE = 2e-3;

    private LayerGradientChecker() {}

    /** Builds the layer for the per-example shapes, then checks at the given batch inputs. */
    static void check(String what, Layer layer, Tensor[] inputs, boolean training, double h) {
        check(what, layer, inputs, training, h, true);
    }

    /** As above; checkInputs false skips the input gradients (a layer that ignores its input). */
    static void check(String what, Layer layer, Tensor[] inputs, boolean training, double h, boolean checkInputs) {
        Shape[] shapes = new Shape[inputs.length];
        for (int i = 0; i < inputs.length; i++) shapes[i] = inputs[i].shape().dropBatch();
        if (!layer.isBuilt()) {
            layer.assignDefaultName("layer");
            layer.build(shapes, new SplittableRandom(1));
        }
        SplittableRandom rng = new SplittableRandom(what.hashCode());
        ForwardContext ctx = training ? ForwardContext.training(new SplittableRandom(3)) : ForwardContext.INFERENCE;
        Tensor y = layer.forward(inputs, ctx).copy();
        float[] w = new float[y.size()];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextDouble() * 2 - 1);

        for (Parameter p : layer.parameters()) p.zeroGrad();
        boolean[] need = new boolean[inputs.length];
        java.util.Arrays.fill(need, true);
        Tensor[] dIn = new Tensor[inputs.length];
        layer.backward(Tensor.of(w.clone(), y.shape().toArray()), need, dIn);
        for (int i = 0; checkInputs && i < inputs.length; i++) {
            float[] analytic = dIn[i].data().clone();
            compare(what + ": d input " + i, analytic, numeric(layer, inputs, inputs[i].data(), w, ctx, h));
        }
        List<Parameter> params = layer.parameters();
        for (Parameter p : params) {
            float[] analytic = p.grad().data().clone();
            double[] expected = numeric(layer, inputs, p.value().data(), w, ctx, h);
            // Moving statistics are not trained (Keras: non-trainable), and a parameter the output
            // does not depend on gets nothing: either way the gradient must be exactly zero.
            if (allZero(expected) || p.role() == Parameter.Role.STATE) {
                for (int i = 0; i < analytic.length; i++) {
                    if (analytic[i] != 0f) fail(what + ": d " + p.name() + " element " + i + " is " + analytic[i] + " but the output does not depend on it");
                }
                continue;
            }
            compare(what + ": d " + p.name(), analytic, expected);
        }
    }

    private static double[] numeric(Layer layer, Tensor[] inputs, float[] target, float[] w, ForwardContext ctx, double h) {
        double[] g = new double[target.length];
        for (int i = 0; i < target.length; i++) {
            float saved = target[i];
            target[i] = (float) (saved + h);
            double plus = loss(layer, inputs, w, ctx);
            double hp = target[i] - saved;
            target[i] = (float) (saved - h);
            double minus = loss(layer, inputs, w, ctx);
            double hm = saved - target[i];
            target[i] = saved;
            g[i] = (plus - minus) / (hp + hm);   // the float steps actually taken
        }
        return g;
    }

    private static double loss(Layer layer, Tensor[] inputs, float[] w, ForwardContext ctx) {
        float[] y = layer.forward(inputs, ctx).data();
        double s = 0;
        for (int i = 0; i < w.length; i++) s += (double) w[i] * y[i];
        return s;
    }

    private static boolean allZero(double[] a) {
        for (double v : a) if (v != 0) return false;
        return true;
    }

    static void compare(String what, float[] actual, double[] expected) {
        double scale = 0;
        for (double v : expected) scale = Math.max(scale, Math.abs(v));
        if (!(scale > 0)) fail(what + ": the expected gradient is all zero; the check would be vacuous");
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= TOLERANCE * scale)) {
                fail(String.format("%s: element %d is %.7g, finite differences give %.7g (error %.3g > %.0e x scale %.4g)",
                        what, i, actual[i], expected[i], err, TOLERANCE, scale));
            }
        }
    }

    /** Uniform in [-1, 1), keeping |v| >= 0.1 so kinks at 0 are never crossed. */
    static Tensor awayFromZero(SplittableRandom rng, int... dims) {
        Tensor t = Tensor.zeros(dims);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            double m = 0.1 + 0.9 * rng.nextDouble();
            d[i] = (float) (rng.nextBoolean() ? m : -m);
        }
        return t;
    }

    /** A shuffled ladder of values 0.05 apart: no ties, so a step of 1e-2 never changes a maximum. */
    static Tensor distinct(SplittableRandom rng, int... dims) {
        Tensor t = Tensor.zeros(dims);
        float[] d = t.data();
        int[] order = new int[d.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (int i = 0; i < d.length; i++) d[i] = (float) ((order[i] - d.length / 2.0) * 0.05);
        return t;
    }

    static Tensor uniform(SplittableRandom rng, double lo, double hi, int... dims) {
        Tensor t = Tensor.zeros(dims);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        return t;
    }

    /** Fills every parameter of a built layer with values in [lo, hi). */
    static void randomizeParameters(Layer layer, SplittableRandom rng, double lo, double hi) {
        for (Parameter p : layer.parameters()) {
            float[] v = p.value().data();
            for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
    }
}
