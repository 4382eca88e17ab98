package dev.fovea.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum (Polyak, 1964) and Nesterov momentum
 * (Sutskever et al., 2013), in Keras's formulation: v = m·v − lr·g; w += v, or with Nesterov
 * w += m·v − lr·g.
 */
public final class SGD extends Optimizer {
    private final float momentum;
    private final boolean nesterov;

    public SGD(double learningRate) { this(learningRate, 0, false); }

    public SGD(double learningRate, double momentum, boolean nesterov) {
        super(learningRate);
        if (!(momentum >= 0 && momentum < 1)) throw new dev.fovea.FoveaException("SGD: momentum must be in [0, 1), got " + momentum);
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
    }

    @Override public String className() { return "SGD"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learning_rate", learningRate());
        m.put("momentum", (double) momentum);
        m.put("nesterov", nesterov);
        return m;
    }

    @Override protected int stateSlots() { return momentum == 0f ? 0 : 1; }

    @Override protected void update(float[] w, float[] g, float[][] slots, long t, float lr, int from, int to) {
        if (momentum == 0f) {
            for (int i = from; i < to; i++) {
                w[i] -= lr * g[i];
            }
            return;
        }
        float[] v = slots[0];
        for (int i = from; i < to; i++) {
            v[i] = momentum * v[i] - lr * g[i];
            w[i] += nesterov ? momentum * v[i] - lr * g[i] : v[i];
        }
    }
}
