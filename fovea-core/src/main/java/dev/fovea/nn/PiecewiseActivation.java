package dev.fovea.nn;

import dev.fovea.json.JsonObject;
import dev.fovea.FoveaException;
import dev.fovea.ops.PiecewiseOp;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Activations with a setting, as Keras layers: LeakyReLU(negative_slope), ELU(alpha) and
 * Clip(min, max) (ONNX Clip; ReLU6 is Clip(0, 6)). Shape-preserving, no parameters.
 */
public final class PiecewiseActivation extends Layer {
    private final PiecewiseOp.Kind kind;
    private final float a, b;

    /** Per-call state (see {@link Workspace}). */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        Tensor lastInput;
    }

    private PiecewiseActivation(PiecewiseOp.Kind kind, float a, float b) {
        this.kind = kind;
        this.a = a;
        this.b = b;
    }

    /** Keras LeakyReLU: x for x > 0, negativeSlope · x otherwise. */
    public static PiecewiseActivation leakyRelu(double negativeSlope) {
        if (!Double.isFinite(negativeSlope)) throw new FoveaException("LeakyReLU: negative_slope must be finite, got " + negativeSlope);
        return new PiecewiseActivation(PiecewiseOp.Kind.LEAKY_RELU, (float) negativeSlope, 0);
    }

    /** Keras ELU: x for x > 0, alpha · (exp(x) - 1) otherwise. */
    public static PiecewiseActivation elu(double alpha) {
        if (!Double.isFinite(alpha)) throw new FoveaException("ELU: alpha must be finite, got " + alpha);
        return new PiecewiseActivation(PiecewiseOp.Kind.ELU, (float) alpha, 0);
    }

    /** Clip to [min, max]; an infinite bound means none. */
    public static PiecewiseActivation clip(double min, double max) {
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) throw new FoveaException("Clip: needs min <= max, got " + min + " and " + max);
        return new PiecewiseActivation(PiecewiseOp.Kind.CLIP, (float) min, (float) max);
    }

    public PiecewiseOp.Kind kind() { return kind; }
    /** The slope (LeakyReLU), alpha (ELU) or minimum (Clip). */
    public float a() { return a; }
    /** The maximum (Clip). */
    public float b() { return b; }

    @Override public String className() {
        return switch (kind) {
            case LEAKY_RELU -> "LeakyReLU";
            case ELU -> "ELU";
            case CLIP -> "Clip";
        };
    }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (kind) {
            case LEAKY_RELU -> m.put("negative_slope", (double) a);
            case ELU -> m.put("alpha", (double) a);
            case CLIP -> {
                // JSON has no infinity: an absent bound is written as null.
                m.put("min", Float.isInfinite(a) ? null : (double) a);
                m.put("max", Float.isInfinite(b) ? null : (double) b);
            }
        }
        return m;
    }

    static PiecewiseActivation leakyReluFromConfig(JsonObject c) {
        c.requireOnlyKeys("negative_slope");
        return leakyRelu(c.optionalDouble("negative_slope", 0.3));
    }

    static PiecewiseActivation eluFromConfig(JsonObject c) {
        c.requireOnlyKeys("alpha");
        return elu(c.optionalDouble("alpha", 1.0));
    }

    /** An absent or null bound means none. */
    static PiecewiseActivation clipFromConfig(JsonObject c) {
        c.requireOnlyKeys("min", "max");
        return clip(c.optionalDouble("min", Double.NEGATIVE_INFINITY), c.optionalDouble("max", Double.POSITIVE_INFINITY));
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) { return in; }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch(Scratch::new);
        s.lastInput = x;
        Tensor out = s.outBuf.get(x.shape());
        PiecewiseOp.forward(kind, out.data(), x.data(), x.size(), a, b);
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) return null;
        Scratch s = scratch(Scratch::new);
        Tensor dx = s.dxBuf.get(dy.shape());
        PiecewiseOp.backward(kind, dx.data(), dy.data(), s.lastInput.data(), dy.size(), a, b);
        return dx;
    }
}
