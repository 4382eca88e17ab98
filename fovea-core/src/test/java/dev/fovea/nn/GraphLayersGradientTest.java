package dev.fovea.nn;

import dev.fovea.ops.PadOp;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

import java.util.SplittableRandom;

import static dev.fovea.nn.LayerGradientChecker.awayFromZero;
import static dev.fovea.nn.LayerGradientChecker.check;
import static dev.fovea.nn.LayerGradientChecker.distinct;
import static dev.fovea.nn.LayerGradientChecker.randomizeParameters;
import static dev.fovea.nn.LayerGradientChecker.uniform;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Tier 1 for the general-graph layers: every input and parameter gradient against central
 * differences of the layer's forward, on shapes with odd sizes, batch > 1, padding on one side
 * only, strides larger than 1 and broadcasting. Kinks are kept away by the input distributions.
 */
class GraphLayersGradientTest {
    private static final double H = 1e-2;
    private final SplittableRandom rng = new SplittableRandom(20);

    private static Tensor[] one(Tensor t) { return new Tensor[] {t}; }

    private <L extends Layer> L built(L layer, Shape... in) {
        layer.assignDefaultName("layer");
        layer.build(in, new SplittableRandom(7));
        randomizeParameters(layer, rng, -0.6, 0.6);
        return layer;
    }

    @Test
    void paddedConvolutionPlainGroupedDilatedDepthwise() {
        Tensor x = uniform(rng, -1, 1, 2, 6, 7, 4);
        check("plain, asymmetric pads, stride 2", built(new Conv2D(new Conv2D.Config(3, 3, 2, 2, 1, 1, 1, 1, WindowPadding.explicit(1, 0, 0, 2), Activation.LINEAR, true)), x.shape().dropBatch()), one(x), false, H);
        check("groups 2, dilation 2", built(new Conv2D(new Conv2D.Config(4, 2, 3, 1, 2, 2, 1, 2, WindowPadding.explicit(1, 2, 1, 0), Activation.TANH, true)), x.shape().dropBatch()), one(x), false, H);
        check("depthwise with multiplier 2, no bias", built(new Conv2D(new Conv2D.Config(8, 3, 3, 2, 2, 1, 1, 4, WindowPadding.explicit(1, 1, 1, 1), Activation.LINEAR, false)), x.shape().dropBatch()), one(x), false, H);
        // Multiplier 1 runs forward on DepthwiseConv2D; backward then lowers the remembered input.
        check("depthwise, stride 2, uneven pads", built(new Conv2D(new Conv2D.Config(4, 3, 3, 2, 2, 1, 1, 4, WindowPadding.explicit(1, 0, 0, 1), Activation.LINEAR, true)), x.shape().dropBatch()), one(x), false, H);
    }

    @Test
    void paddedPooling() {
        Tensor d = distinct(rng, 2, 7, 6, 3);
        check("max, pads, ceil", built(new MaxPool2D(new Pooling2D.Config(3, 2, 2, 2, 1, 1, WindowPadding.explicit(1, 0, 0, 1), true, false)), d.shape().dropBatch()), one(d), false, 1e-3);
        check("max, dilation 2", built(new MaxPool2D(new Pooling2D.Config(2, 2, 1, 1, 2, 2, WindowPadding.explicit(0, 0, 0, 0), false, false)), d.shape().dropBatch()), one(d), false, 1e-3);
        Tensor x = uniform(rng, -1, 1, 2, 7, 6, 3);
        check("average, count_include_pad, ceil", built(new AveragePooling2D(new Pooling2D.Config(3, 3, 2, 2, 1, 1, WindowPadding.explicit(1, 1, 1, 0), true, true)), x.shape().dropBatch()), one(x), false, H);
        check("average, excluding pad", built(new AveragePooling2D(new Pooling2D.Config(2, 3, 2, 1, 1, 1, WindowPadding.explicit(0, 1, 1, 1), false, false)), x.shape().dropBatch()), one(x), false, H);
    }

    @Test
    void globalPooling() {
        Tensor d = distinct(rng, 2, 3, 4, 5);
        check("global max", built(GlobalPooling2D.maximum(), d.shape().dropBatch()), one(d), false, 1e-3);
        check("global average keepdims", built(new GlobalPooling2D(false, true), d.shape().dropBatch()), one(d), false, H);
    }

    @Test
    void batchNormalizationTrainingAndInference() {
        Tensor x = uniform(rng, -1, 2, 4, 3, 2, 5);
        BatchNormalization train = built(new BatchNormalization(), x.shape().dropBatch());
        check("training, channels last", train, one(x), true, H);
        BatchNormalization axis1 = built(new BatchNormalization(new BatchNormalization.Config(1, 0.9, 1e-5, true, true)), x.shape().dropBatch());
        check("training, axis 1", axis1, one(x), true, H);
        BatchNormalization infer = built(new BatchNormalization(), x.shape().dropBatch());
        infer.parameters().get(3).value().fill(0.7f);   // moving_variance must stay positive
        check("inference", infer, one(x), false, H);
    }

    @Test
    void localResponseNormalization() {
        Tensor x = uniform(rng, -2, 2, 2, 3, 2, 7);
        check("LRN size 3", built(new LocalResponseNormalization(3, 0.5, 0.75, 1.0), x.shape().dropBatch()), one(x), false, H);
        check("LRN size 4 (asymmetric window)", built(new LocalResponseNormalization(4, 1e-1, 0.5, 2.0), x.shape().dropBatch()), one(x), false, H);
    }

    @Test
    void elementwiseWithBroadcasting() {
        Tensor a = uniform(rng, 0.5, 1.5, 3, 2, 1, 3);
        Tensor b = uniform(rng, 0.5, 1.5, 3, 4, 3);
        for (Elementwise.Operation op : Elementwise.Operation.values()) {
            // Minimum and maximum have kinks where the operands meet, which these uniform inputs do
            // not avoid: CnnOpsGradientTest checks them on inputs kept apart.
            if (op == Elementwise.Operation.MINIMUM || op == Elementwise.Operation.MAXIMUM) continue;
            check(op + " two inputs", built(new Elementwise(op), a.shape().dropBatch(), b.shape().dropBatch()), new Tensor[] {a, b}, false, H);
            Elementwise right = built(new Elementwise(op, Shape.of(1, 3), false), a.shape().dropBatch());
            for (int i = 0; i < 3; i++) right.constant().value().data()[i] = 0.8f + 0.2f * i;
            check(op + " constant right", right, one(a), false, H);
            Elementwise left = built(new Elementwise(op, Shape.of(2, 1, 1), true), a.shape().dropBatch());
            for (int i = 0; i < 2; i++) left.constant().value().data()[i] = 0.7f + 0.1f * i;
            check(op + " constant first", left, one(a), false, H);
        }
    }

    @Test
    void matMul() {
        Tensor a = uniform(rng, -1, 1, 2, 3, 4);
        check("constant right (dense over the last axis)", built(new MatMul(Shape.of(4, 5), false), a.shape().dropBatch()), one(a), false, H);
        check("constant first, batched constant", built(new MatMul(Shape.of(2, 3, 3), true), a.shape().dropBatch()), one(a), false, H);
        Tensor b = uniform(rng, -1, 1, 2, 1, 4, 2);
        check("two inputs, broadcast leading axes", built(new MatMul(), a.shape().dropBatch(), b.shape().dropBatch()), new Tensor[] {a, b}, false, H);
        Tensor v = uniform(rng, -1, 1, 3, 4);
        check("vector input", built(new MatMul(Shape.of(4, 2), false), v.shape().dropBatch()), one(v), false, H);
    }

    @Test
    void piecewiseActivations() {
        Tensor x = awayFromZero(rng, 3, 4, 5);
        check("LeakyReLU", built(PiecewiseActivation.leakyRelu(0.2), x.shape().dropBatch()), one(x), false, H);
        check("ELU", built(PiecewiseActivation.elu(0.7), x.shape().dropBatch()), one(x), false, H);
        // Bounds at ±0.05 fall between the values (|x| >= 0.1), so no step crosses them.
        check("Clip", built(PiecewiseActivation.clip(-0.05, 0.05 + 0.5), x.shape().dropBatch()), one(awayFromBounds(x)), false, 1e-3);
    }

    private static Tensor awayFromBounds(Tensor x) {
        Tensor t = x.copy();
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) if (Math.abs(d[i] - 0.55f) < 0.02f) d[i] += 0.05f;
        return t;
    }

    @Test
    void preluSharedAxes() {
        Tensor x = awayFromZero(rng, 2, 3, 4, 5);
        check("PReLU per channel", built(new PReLU(1, 2), x.shape().dropBatch()), one(x), false, H);
        check("PReLU full", built(new PReLU(), x.shape().dropBatch()), one(x), false, H);
    }

    @Test
    void softmaxes() {
        Tensor x = uniform(rng, -2, 2, 2, 3, 4, 5);
        for (boolean log : new boolean[] {false, true}) {
            check("softmax last axis " + log, built(new AxisSoftmax(log, -1), x.shape().dropBatch()), one(x), false, H);
            check("softmax axis 1 " + log, built(new AxisSoftmax(log, 1), x.shape().dropBatch()), one(x), false, H);
            check("softmax axes 2, 3 " + log, built(new AxisSoftmax(log, 2, 3), x.shape().dropBatch()), one(x), false, H);
        }
    }

    @Test
    void concatenateAndConstant() {
        Tensor a = uniform(rng, -1, 1, 2, 3, 4), b = uniform(rng, -1, 1, 2, 2, 4);
        check("concatenate axis 1", built(new Concatenate(1), a.shape().dropBatch(), b.shape().dropBatch()), new Tensor[] {a, b}, false, H);
        Tensor c = uniform(rng, -1, 1, 2, 3, 2);
        check("concatenate last axis", built(new Concatenate(), a.shape().dropBatch(), c.shape().dropBatch()), new Tensor[] {a, c}, false, H);
        check("constant", built(new ConstantLayer(Shape.of(2, 3)), a.shape().dropBatch()), one(a), false, H, false);
    }

    @Test
    void paddingsPermuteReshape() {
        Tensor x = uniform(rng, -1, 1, 2, 4, 5, 3);
        for (PadOp.Mode mode : PadOp.Mode.values()) {
            check("pad " + mode, built(new Pad(new int[][] {{1, 2}, {2, 0}, {0, 1}}, mode, 0.5), x.shape().dropBatch()), one(x), false, H);
        }
        check("pad with cropping", built(new Pad(new int[][] {{-1, 2}, {0, -2}, {0, 0}}, PadOp.Mode.CONSTANT, 0), x.shape().dropBatch()), one(x), false, H);
        check("ZeroPadding2D", built(new ZeroPadding2D(new int[][] {{0, 1}, {2, 1}}), x.shape().dropBatch()), one(x), false, H);
        check("permute", built(new Permute(3, 1, 2), x.shape().dropBatch()), one(x), false, H);
        check("reshape", built(new Reshape(-1, 4, 3), x.shape().dropBatch()), one(x), false, H);
    }

    /** The checker itself: a backward that is off by a factor must be caught. */
    @Test
    void checkerRejectsAWrongGradient() {
        Tensor x = uniform(rng, -1, 1, 2, 3);
        Layer wrong = new Layer() {
            private Tensor out = null;
            @Override public String className() { return "Wrong"; }
            @Override public java.util.Map<String, Object> config() { return java.util.Map.of(); }
            @Override protected Shape doBuild(Shape in, SplittableRandom r) { return in; }
            @Override public Tensor forward(Tensor in, ForwardContext ctx) {
                out = in.copy();
                for (int i = 0; i < out.size(); i++) out.data()[i] = in.data()[i] * in.data()[i];
                return out;
            }
            @Override public Tensor backward(Tensor dy, boolean need) { return dy.copy(); }   // misses 2x
        };
        Executable run = () -> check("wrong", built(wrong, x.shape().dropBatch()), one(x), false, H);
        assertThrows(AssertionFailedError.class, run);
    }
}
