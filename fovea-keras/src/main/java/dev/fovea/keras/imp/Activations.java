package dev.fovea.keras.imp;

import dev.fovea.keras.imp.GraphBuilder.Value;
import dev.fovea.nn.Activation;
import dev.fovea.nn.ActivationLayer;
import dev.fovea.nn.AxisSoftmax;
import dev.fovea.nn.Concatenate;
import dev.fovea.nn.Elementwise;
import dev.fovea.nn.Layer;
import dev.fovea.nn.MatMul;
import dev.fovea.nn.PiecewiseActivation;
import dev.fovea.nn.Reshape;
import dev.fovea.tensor.Shape;

import java.util.List;

/**
 * Keras's activation functions as Fovea nodes. The five that Fovea layers apply themselves
 * (linear, relu, sigmoid, tanh, softmax) fuse into Conv2D and Dense; the rest are composed exactly
 * from existing layers, because fovea-core has no layer for them: e.g. selu is ELU then a scale,
 * swish is x times sigmoid(x), softplus is read off a two-way log-softmax
 * (log(e^0 / (e^0 + e^x)) = -softplus(x)), which is exact and stable where exp would overflow.
 * Such constants are Elementwise/MatMul parameters set at import time.
 */
final class Activations {
    /** Names accepted by {@link #apply}, for error messages. */
    static final List<String> NAMES = List.of("linear", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "elu", "selu", "softplus",
            "softsign", "hard_sigmoid", "swish", "silu", "hard_swish", "hard_silu", "relu6", "leaky_relu", "mish");

    static final double SELU_ALPHA = 1.6732632423543772, SELU_SCALE = 1.0507009873554805;

    private Activations() {}

    /** The Fovea activation a Conv2D or Dense can apply itself, or null. */
    static Activation fusable(String name) {
        return switch (name) {
            case "linear" -> Activation.LINEAR;
            case "relu" -> Activation.RELU;
            case "sigmoid" -> Activation.SIGMOID;
            case "tanh" -> Activation.TANH;
            case "softmax" -> Activation.SOFTMAX;
            default -> null;
        };
    }

    /** Adds nodes computing the activation of x (named after the layer plus the activation); x itself for linear. */
    static Value apply(Call c, Value x, String name) {
        return apply(c, x, name, false);
    }

    /**
     * As {@link #apply(Call, Value, String)}; own: the activation is the layer itself (Keras's
     * Activation layer), so a one-node activation takes the layer's own name.
     */
    static Value apply(Call c, Value x, String name, boolean own) {
        GraphBuilder g = c.graph();
        String single = own ? c.name("") : null;
        return switch (name) {
            // Keras's Activation("linear") layer stays a (pass-through) layer of the same name.
            case "linear" -> own ? g.add(new ActivationLayer(Activation.LINEAR).named(single), x.channelsLast(), x) : x;
            case "relu", "sigmoid", "tanh" -> g.add(new ActivationLayer(fusable(name)).named(single != null ? single : c.name(name)), x.channelsLast(), x);
            // Softmax is over Keras's last axis, so the tensor must be in Keras's order.
            case "softmax" -> g.add(new ActivationLayer(Activation.SOFTMAX).named(single != null ? single : c.name(name)), g.keras(x));
            case "log_softmax" -> g.add(new AxisSoftmax(true, -1).named(single != null ? single : c.name(name)), g.keras(x));
            case "elu" -> g.add(PiecewiseActivation.elu(1.0).named(single != null ? single : c.name(name)), x.channelsLast(), x);
            case "selu" -> scale(c, g.add(PiecewiseActivation.elu(SELU_ALPHA).named(c.name("selu_elu")), x.channelsLast(), x), SELU_SCALE, "selu");
            case "relu6" -> g.add(PiecewiseActivation.clip(0, 6).named(single != null ? single : c.name(name)), x.channelsLast(), x);
            case "leaky_relu" -> g.add(PiecewiseActivation.leakyRelu(0.2).named(single != null ? single : c.name(name)), x.channelsLast(), x);
            case "hard_sigmoid" -> hardSigmoid(c, x, c.dialect().major() >= 3);
            case "swish", "silu" -> times(c, x, apply(c, x, "sigmoid"), "swish");
            case "hard_swish", "hard_silu" -> times(c, x, hardSigmoid(c, x, true), "hard_swish");
            case "softplus" -> softplus(c, x);
            case "softsign" -> softsign(c, x);
            case "mish" -> times(c, x, apply(c, softplus(c, x), "tanh"), "mish");
            default -> throw c.error("uses activation \"" + name + "\", which Fovea cannot compute; accepted: " + String.join(", ", NAMES));
        };
    }

    /** Keras 2: clip(0.2x + 0.5, 0, 1). Keras 3: relu6(x + 3) / 6. */
    private static Value hardSigmoid(Call c, Value x, boolean keras3) {
        GraphBuilder g = c.graph();
        if (keras3) {
            Value shifted = constantOp(c, x, Elementwise.Operation.ADD, 3.0, "hard_sigmoid_shift");
            Value clipped = g.add(PiecewiseActivation.clip(0, 6).named(c.name("hard_sigmoid_clip")), x.channelsLast(), shifted);
            return scale(c, clipped, 1.0 / 6.0, "hard_sigmoid");
        }
        Value scaled = constantOp(c, x, Elementwise.Operation.MULTIPLY, 0.2, "hard_sigmoid_scale");
        Value shifted = constantOp(c, scaled, Elementwise.Operation.ADD, 0.5, "hard_sigmoid_shift");
        return g.add(PiecewiseActivation.clip(0, 1).named(c.name("hard_sigmoid")), x.channelsLast(), shifted);
    }

    /** x / (1 + |x|), with |x| = relu(x) + relu(-x). */
    private static Value softsign(Call c, Value x) {
        GraphBuilder g = c.graph();
        Value pos = g.add(new ActivationLayer(Activation.RELU).named(c.name("softsign_pos")), x.channelsLast(), x);
        Value negX = scale(c, x, -1.0, "softsign_neg_x");
        Value neg = g.add(new ActivationLayer(Activation.RELU).named(c.name("softsign_neg")), x.channelsLast(), negX);
        Value abs = g.add(new Elementwise(Elementwise.Operation.ADD).named(c.name("softsign_abs")), x.channelsLast(), pos, neg);
        Value denominator = constantOp(c, abs, Elementwise.Operation.ADD, 1.0, "softsign_denominator");
        return g.add(new Elementwise(Elementwise.Operation.DIVIDE).named(c.name("softsign")), x.channelsLast(), x, denominator);
    }

    /** softplus(x) = -log_softmax([0, x])[0], along a new last axis. */
    private static Value softplus(Call c, Value x) {
        GraphBuilder g = c.graph();
        int[] held = x.held().toArray();
        int[] withPair = java.util.Arrays.copyOf(held, held.length + 1);
        withPair[held.length] = 1;
        Value column = g.add(new Reshape(withPair).named(c.name("softplus_column")), x);
        Value zero = scale(c, column, 0.0, "softplus_zero");
        Value pair = g.add(new Concatenate(-1).named(c.name("softplus_pair")), zero, column);
        Value logs = g.add(new AxisSoftmax(true, -1).named(c.name("softplus_log_softmax")), pair);
        MatMul pick = new MatMul(Shape.of(2, 1), false).named(c.name("softplus_pick"));
        Value picked = g.add(pick, logs);
        g.weight(pick, "kernel", new float[] {-1f, 0f}, new int[] {2, 1}, "softplus constant");
        return g.add(new Reshape(held).named(c.name("softplus")), x.channelsLast(), picked);
    }

    private static Value times(Call c, Value a, Value b, String name) {
        return c.graph().add(new Elementwise(Elementwise.Operation.MULTIPLY).named(c.name(name)), a.channelsLast(), a, b);
    }

    static Value scale(Call c, Value x, double factor, String name) {
        return constantOp(c, x, Elementwise.Operation.MULTIPLY, factor, name);
    }

    /** x (op) a scalar constant, set as the Elementwise layer's one-element parameter. */
    static Value constantOp(Call c, Value x, Elementwise.Operation op, double constant, String name) {
        Layer l = new Elementwise(op, Shape.of(1), false).named(c.name(name));
        Value v = c.graph().add(l, x.channelsLast(), x);
        c.graph().weight(l, "constant", new float[] {(float) constant}, new int[] {1}, name + " constant");
        return v;
    }
}
