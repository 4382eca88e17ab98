package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonObject;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Element-wise functions of one input with at most two settings, as ONNX has them: HardSigmoid
 * (alpha, beta), HardSwish, Erf, Gelu (exact or tanh), Sqrt, Exp, Log, Neg, Abs, Reciprocal,
 * Softplus and Pow with a constant exponent. Shape-preserving, no parameters; backward is the
 * derivative (at a kink, the one-sided value PyTorch uses: 0 for Abs at 0, the inner slope at the
 * ends of HardSigmoid's ramp are excluded). Computed in double, rounded once to float.
 */
public final class UnaryMath extends Layer {
    /** The function; {@code key} is its config name. */
    public enum Function {
        HARD_SIGMOID, HARD_SWISH, ERF, GELU, GELU_TANH, SQRT, EXP, LOG, NEG, ABS, RECIPROCAL, SOFTPLUS, POW;

        public String key() { return name().toLowerCase(Locale.ROOT); }

        static Function parse(String s, String where) {
            for (Function f : values()) if (f.key().equals(s)) return f;
            throw new FoveaException(where + ": function \"" + s + "\" is not one of " + java.util.Arrays.stream(values()).map(Function::key).toList());
        }
    }

    static final Set<String> KEYS = Set.of("function", "alpha", "beta", "exponent");
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI), TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private final Function function;
    private final double a, b;   // HardSigmoid alpha and beta; Pow exponent in a

    private UnaryMath(Function function, double a, double b) {
        if (!Double.isFinite(a) || !Double.isFinite(b)) throw new FoveaException(function.key() + ": settings must be finite, got " + a + ", " + b);
        this.function = function;
        this.a = a;
        this.b = b;
    }

    /** A function without settings. */
    public static UnaryMath of(Function f) {
        return switch (f) {
            case HARD_SIGMOID -> hardSigmoid(0.2, 0.5);
            case HARD_SWISH -> new UnaryMath(f, 1 / 6.0, 0.5);
            case POW -> throw new FoveaException("pow needs an exponent: use UnaryMath.pow");
            default -> new UnaryMath(f, 0, 0);
        };
    }

    /** max(0, min(1, alpha · x + beta)) (ONNX's defaults: 0.2 and 0.5; PyTorch's Hardsigmoid: 1/6 and 0.5). */
    public static UnaryMath hardSigmoid(double alpha, double beta) { return new UnaryMath(Function.HARD_SIGMOID, alpha, beta); }

    /** x to a constant power. */
    public static UnaryMath pow(double exponent) { return new UnaryMath(Function.POW, exponent, 0); }

    static UnaryMath fromConfig(JsonObject c) {
        c.requireOnlyKeys(KEYS);
        Function f = Function.parse(c.requireString("function"), c.location());
        return switch (f) {
            case HARD_SIGMOID -> hardSigmoid(c.optionalDouble("alpha", 0.2), c.optionalDouble("beta", 0.5));
            case POW -> pow(c.requireDouble("exponent"));
            default -> of(f);
        };
    }

    public Function function() { return function; }
    /** HardSigmoid's alpha (HardSwish: 1/6), or Pow's exponent. */
    public double a() { return a; }
    /** HardSigmoid's beta (HardSwish: 1/2). */
    public double b() { return b; }

    @Override public String className() { return "UnaryMath"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("function", function.key());
        if (function == Function.HARD_SIGMOID) {
            m.put("alpha", a);
            m.put("beta", b);
        }
        if (function == Function.POW) m.put("exponent", a);
        return m;
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) { return in; }

    /** Per-call state (see {@link Workspace}): one per calling thread, so one model serves many. */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        Tensor lastInput;
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        Scratch s = scratch(Scratch::new);
        checkInput(x);
        s.lastInput = x;
        Tensor out = s.outBuf.get(x.shape());
        float[] o = out.data(), in = x.data();
        for (int i = 0; i < x.size(); i++) o[i] = (float) value(in[i]);
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        Scratch s = scratch(Scratch::new);
        if (!needInputGrad) return null;
        Tensor dx = s.dxBuf.get(dy.shape());
        float[] d = dx.data(), g = dy.data(), in = s.lastInput.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (g[i] * derivative(in[i]));
        return dx;
    }

    /** f(x). */
    double value(double x) {
        return switch (function) {
            case HARD_SIGMOID -> Math.max(0, Math.min(1, a * x + b));
            case HARD_SWISH -> x * Math.max(0, Math.min(1, a * x + b));
            case ERF -> erf(x);
            case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            case SQRT -> Math.sqrt(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case RECIPROCAL -> 1 / x;
            case SOFTPLUS -> x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
            case POW -> Math.pow(x, a);
        };
    }

    /** f'(x). */
    double derivative(double x) {
        return switch (function) {
            case HARD_SIGMOID -> {
                double z = a * x + b;
                yield z > 0 && z < 1 ? a : 0;
            }
            case HARD_SWISH -> {
                double z = a * x + b;
                yield z <= 0 ? 0 : z >= 1 ? 1 : z + a * x;
            }
            case ERF -> TWO_OVER_SQRT_PI * Math.exp(-x * x);
            case GELU -> 0.5 * (1 + erf(x / Math.sqrt(2))) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
            case GELU_TANH -> {
                double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x), t = Math.tanh(u);
                yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
            }
            case SQRT -> 0.5 / Math.sqrt(x);
            case EXP -> Math.exp(x);
            case LOG -> 1 / x;
            case NEG -> -1;
            case ABS -> x > 0 ? 1 : x < 0 ? -1 : 0;
            case RECIPROCAL -> -1 / (x * x);
            case SOFTPLUS -> 1 / (1 + Math.exp(-x));
            case POW -> a == 0 ? 0 : a * Math.pow(x, a - 1);
        };
    }

    /**
     * The error function in double: its Maclaurin series below |x| = 3 (the alternating terms
     * peak near 3^19 / 9! ~ 3e3, so about 12 of 16 digits survive), and above, 1 - erfc(x) with
     * erfc from its continued fraction (Laplace), which converges fast there.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double x2 = ax * ax, term = ax, sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
            }
            r = TWO_OVER_SQRT_PI * sum;
        } else if (ax < 30) {
            double t = ax;
            for (int k = 60; k >= 1; k--) t = ax + (k / 2.0) / t;
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / t;
        } else {
            r = 1;
        }
        return x < 0 ? -r : r;
    }
}
