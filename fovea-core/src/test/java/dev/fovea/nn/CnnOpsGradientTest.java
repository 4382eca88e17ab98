package dev.fovea.nn;

import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.fovea.nn.LayerGradientChecker.check;
import static dev.fovea.nn.LayerGradientChecker.distinct;
import static dev.fovea.nn.LayerGradientChecker.randomizeParameters;
import static dev.fovea.nn.LayerGradientChecker.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tier 1 for the layers real CNNs imported through ONNX need (UnaryMath, Reduce,
 * LayerNormalization, Resize2D): input and parameter gradients against central differences of
 * forward, batch > 1 and odd sizes, inputs kept away from kinks and outside the functions' domains;
 * and erf against known values, config round trips.
 */
class CnnOpsGradientTest {
    private static final double H = 1e-2;
    private final SplittableRandom rng = new SplittableRandom(31);

    private static Tensor[] one(Tensor t) { return new Tensor[] {t}; }

    @Test
    void everyUnaryFunction() {
        Tensor any = uniform(rng, -2, 2, 2, 3, 5);
        Tensor positive = uniform(rng, 0.5, 2, 2, 3, 5);
        // HardSigmoid's ramp ends at x = -3 and 3 for (1/6, 1/2): inputs inside and well outside.
        Tensor ramp = uniform(rng, -2.5, 2.5, 2, 3, 5), flat = uniform(rng, -5, 5, 2, 3, 5);
        for (int i = 0; i < flat.size(); i++) {
            float v = flat.data()[i];
            if (Math.abs(Math.abs(v) - 3) < 0.2) flat.data()[i] = Math.signum(v) * 4;   // away from the kinks at -3 and 3
        }
        check("hard sigmoid (ramp)", UnaryMath.hardSigmoid(1 / 6.0, 0.5), one(ramp), false, H);
        check("hard sigmoid (ramp and saturated)", UnaryMath.hardSigmoid(1 / 6.0, 0.5), one(flat), false, H);
        check("hard sigmoid (ONNX default)", UnaryMath.hardSigmoid(0.2, 0.5), one(uniform(rng, -2, 2, 2, 3, 5)), false, H);
        check("hard swish", UnaryMath.of(UnaryMath.Function.HARD_SWISH), one(ramp), false, H);
        for (UnaryMath.Function f : List.of(UnaryMath.Function.ERF, UnaryMath.Function.GELU, UnaryMath.Function.GELU_TANH,
                UnaryMath.Function.EXP, UnaryMath.Function.NEG, UnaryMath.Function.SOFTPLUS)) {
            check(f.key(), UnaryMath.of(f), one(any), false, H);
        }
        for (UnaryMath.Function f : List.of(UnaryMath.Function.SQRT, UnaryMath.Function.LOG, UnaryMath.Function.RECIPROCAL, UnaryMath.Function.ABS)) {
            check(f.key(), UnaryMath.of(f), one(positive), false, 1e-3);
        }
        check("abs (negative)", UnaryMath.of(UnaryMath.Function.ABS), one(uniform(rng, -2, -0.5, 2, 3, 5)), false, H);
        check("pow 2", UnaryMath.pow(2), one(any), false, H);
        check("pow 0.5", UnaryMath.pow(0.5), one(positive), false, 1e-3);
        check("pow -1.5", UnaryMath.pow(-1.5), one(positive), false, 1e-3);
    }

    @Test
    void erfMatchesKnownValues() {
        // erf at 0.5, 1, 2, 3, 4 (Abramowitz and Stegun, table 7.1, and its continuation).
        double[][] known = {{0.5, 0.5204998778130465}, {1, 0.8427007929497149}, {2, 0.9953222650189527}, {3, 0.9999779095030014},
                {4, 0.9999999845827421}, {-1, -0.8427007929497149}, {0, 0}};
        for (double[] k : known) assertEquals(k[1], UnaryMath.erf(k[0]), 1e-14, "erf(" + k[0] + ")");
    }

    @Test
    void reductions() {
        Tensor d = distinct(rng, 2, 3, 4, 5);
        check("mean over H, W (kept)", new Reduce(Reduce.Op.MEAN, new int[] {1, 2}, true), one(d), false, H);
        check("sum over C (dropped)", new Reduce(Reduce.Op.SUM, new int[] {3}, false), one(d), false, H);
        check("max over W", new Reduce(Reduce.Op.MAX, new int[] {2}, false), one(d), false, 1e-3);
        check("l2 over all", new Reduce(Reduce.Op.L2, new int[] {1, 2, 3}, false), one(d), false, H);
        check("sum of squares over H", new Reduce(Reduce.Op.SUM_SQUARE, new int[] {1}, true), one(d), false, H);
        check("mean over H, C", new Reduce(Reduce.Op.MEAN, new int[] {1, 3}, false), one(d), false, H);
    }

    @Test
    void layerNormalisation() {
        Tensor x = uniform(rng, -1, 1, 3, 4, 5, 6);
        for (int axis : new int[] {3, 2, 1}) {
            LayerNormalization ln = new LayerNormalization(axis, 1e-5);
            ln.assignDefaultName("layer");
            ln.build(x.shape().dropBatch(), new SplittableRandom(2));
            randomizeParameters(ln, rng, 0.5, 1.5);
            check("layer norm from axis " + axis, ln, one(x), false, H);
        }
    }

    @Test
    void resizing() {
        Tensor x = uniform(rng, -1, 1, 2, 5, 4, 3);
        for (Resize2D.Coordinates c : Resize2D.Coordinates.values()) {
            check("linear " + c.key(), new Resize2D(new Resize2D.Config(9, 7, 9 / 5.0, 7 / 4.0, Resize2D.Mode.LINEAR, c,
                    Resize2D.Rounding.ROUND_PREFER_FLOOR)), one(x), false, H);
            check("linear down " + c.key(), new Resize2D(new Resize2D.Config(3, 2, 3 / 5.0, 0.5, Resize2D.Mode.LINEAR, c,
                    Resize2D.Rounding.ROUND_PREFER_FLOOR)), one(x), false, H);
        }
        for (Resize2D.Rounding r : Resize2D.Rounding.values()) {
            check("nearest " + r.key(), new Resize2D(new Resize2D.Config(10, 6, 2, 1.5, Resize2D.Mode.NEAREST, Resize2D.Coordinates.HALF_PIXEL, r)),
                    one(x), false, H);
        }
    }

    @Test
    void minimumAndMaximumWithBroadcasting() {
        Tensor a = distinct(rng, 2, 3, 4), b = distinct(rng, 2, 1, 4);
        for (int i = 0; i < b.size(); i++) b.data()[i] += 0.0137f;   // off a's grid: no ties, where min and max have kinks
        for (Elementwise.Operation op : List.of(Elementwise.Operation.MINIMUM, Elementwise.Operation.MAXIMUM)) {
            check(op.keras() + " of two computed", new Elementwise(op), new Tensor[] {a, b}, false, 1e-3);
            Elementwise withConstant = new Elementwise(op, Shape.of(4), false);
            withConstant.assignDefaultName("layer");
            withConstant.build(new Shape[] {a.shape().dropBatch()}, new SplittableRandom(1));
            randomizeParameters(withConstant, rng, -0.9, 0.9);
            check(op.keras() + " with a constant", withConstant, one(a), false, 1e-3);
        }
    }

    @Test
    void configsRoundTrip() {
        List<Layer> layers = List.of(UnaryMath.hardSigmoid(0.3, 0.4), UnaryMath.pow(3), UnaryMath.of(UnaryMath.Function.GELU),
                new Reduce(Reduce.Op.L2, new int[] {1, 3}, false), new LayerNormalization(2, 1e-6),
                new Resize2D(new Resize2D.Config(7, 9, 1.75, 2.25, Resize2D.Mode.LINEAR, Resize2D.Coordinates.ALIGN_CORNERS, Resize2D.Rounding.CEIL)));
        for (Layer l : layers) {
            Map<String, Object> c = l.config();
            Layer back = LayerTypes.create(l.className(), dev.fovea.json.Json.parseObject(dev.fovea.json.Json.write(c), "c"));
            assertEquals(c, back.config(), l.className());
        }
        Shape in = Shape.of(4, 4, 3);
        Layer r = new Reduce(Reduce.Op.MEAN, new int[] {1, 2}, false);
        r.assignDefaultName("r");
        r.build(in, new SplittableRandom(1));
        assertEquals(Shape.of(3), r.outputShape());
    }
}
