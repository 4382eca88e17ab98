package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonObject;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Layer normalisation (Ba et al., 2016; ONNX LayerNormalization, Keras LayerNormalization over
 * trailing axes): each example's values over the axes from {@code axis} to the last are
 * standardised with their own mean and (biased) variance, then scaled by gamma and shifted by
 * beta, both shaped like those axes. The same at training and inference. Statistics in double.
 * Backward (x̂ the standardised input, σ its deviation, M the group size):
 * dx = (g - mean(g) - x̂ · mean(g · x̂)) / σ with g = dy · gamma; dgamma = Σ dy · x̂, dbeta = Σ dy.
 */
public final class LayerNormalization extends Layer {
    static final Set<String> KEYS = Set.of("axis", "epsilon");

    private final int axis;          // Keras axis (>= 1): normalise over [axis, rank]
    private final double epsilon;
    private Parameter gamma, beta;
    private int group;

    public LayerNormalization(int axis, double epsilon) {
        if (axis < 1) throw new FoveaException("LayerNormalization: axis " + axis + " must be >= 1 (axis 0 is the batch)");
        if (!(epsilon >= 0) || !Double.isFinite(epsilon)) throw new FoveaException("LayerNormalization: epsilon must be finite and >= 0, got " + epsilon);
        this.axis = axis;
        this.epsilon = epsilon;
    }

    static LayerNormalization fromConfig(JsonObject c) {
        c.requireOnlyKeys(KEYS);
        return new LayerNormalization(c.requirePositiveInt("axis"), c.optionalDouble("epsilon", 1e-5));
    }

    public int axis() { return axis; }
    public double epsilon() { return epsilon; }

    @Override public String className() { return "LayerNormalization"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("axis", axis);
        m.put("epsilon", epsilon);
        return m;
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        if (axis > in.rank()) throw new FoveaException("layer " + name() + " (LayerNormalization): axis " + axis + " is outside an input of shape " + in);
        int[] d = in.toArray();
        int[] norm = java.util.Arrays.copyOfRange(d, axis - 1, d.length);
        group = Shape.of(norm).size();
        Tensor g = Tensor.zeros(norm);
        g.fill(1f);
        gamma = addParameter("gamma", g, Parameter.Role.OTHER);
        beta = addParameter("beta", Tensor.zeros(norm), Parameter.Role.BIAS);
        return in;
    }

    /** Per-call state (see {@link Workspace}): one per calling thread, so one model serves many. */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        Tensor lastInput;
        double[] mean, invStd;   // per group of the last forward
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        Scratch s = scratch(Scratch::new);
        checkInput(x);
        s.lastInput = x;
        Tensor out = s.outBuf.get(x.shape());
        int groups = x.size() / group;
        if (s.mean == null || s.mean.length != groups) {
            s.mean = new double[groups];
            s.invStd = new double[groups];
        }
        float[] in = x.data(), o = out.data(), gm = gamma.value().data(), bt = beta.value().data();
        for (int r = 0; r < groups; r++) {
            int base = r * group;
            double sum = 0;
            for (int i = 0; i < group; i++) sum += in[base + i];
            double m = sum / group, v = 0;
            for (int i = 0; i < group; i++) {
                double c = in[base + i] - m;
                v += c * c;
            }
            double inv = 1 / Math.sqrt(v / group + epsilon);
            s.mean[r] = m;
            s.invStd[r] = inv;
            for (int i = 0; i < group; i++) o[base + i] = (float) ((in[base + i] - m) * inv * gm[i] + bt[i]);
        }
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        Scratch s = scratch(Scratch::new);
        int groups = dy.size() / group;
        float[] g = dy.data(), x = s.lastInput.data(), gm = gamma.value().data();
        float[] dg = gamma.grad().data(), db = beta.grad().data();
        Tensor dx = needInputGrad ? s.dxBuf.get(dy.shape()) : null;
        double[] dgAcc = new double[group], dbAcc = new double[group];
        for (int r = 0; r < groups; r++) {
            int base = r * group;
            double m = s.mean[r], inv = s.invStd[r], sumG = 0, sumGX = 0;
            for (int i = 0; i < group; i++) {
                double xh = (x[base + i] - m) * inv, gi = g[base + i];
                dgAcc[i] += gi * xh;
                dbAcc[i] += gi;
                double gg = gi * gm[i];
                sumG += gg;
                sumGX += gg * xh;
            }
            if (dx == null) continue;
            double meanG = sumG / group, meanGX = sumGX / group;
            float[] d = dx.data();
            for (int i = 0; i < group; i++) {
                double xh = (x[base + i] - m) * inv;
                d[base + i] = (float) ((g[base + i] * gm[i] - meanG - xh * meanGX) * inv);
            }
        }
        for (int i = 0; i < group; i++) {
            dg[i] += (float) dgAcc[i];
            db[i] += (float) dbAcc[i];
        }
        return dx;
    }
}
