package dev.fovea.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RMSprop (Tieleman and Hinton, Coursera lecture 6.5, 2012), in Keras's form:
 * v = ρ·v + (1−ρ)·g²; w −= lr · g / sqrt(v + ε). Keras defaults ρ = 0.9, ε = 1e-7.
 */
public final class RMSprop extends Optimizer {
    private final float rho;
    private final float epsilon;

    public RMSprop(double learningRate) { this(learningRate, 0.9, 1e-7); }

    public RMSprop(double learningRate, double rho, double epsilon) {
        super(learningRate);
        if (!(rho >= 0 && rho < 1)) throw new dev.fovea.FoveaException("RMSprop: rho must be in [0, 1), got " + rho);
        this.rho = (float) rho;
        this.epsilon = (float) epsilon;
    }

    @Override public String className() { return "RMSprop"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learning_rate", learningRate());
        m.put("rho", (double) rho);
        m.put("epsilon", (double) epsilon);
        return m;
    }

    @Override protected int stateSlots() { return 1; }

    @Override protected void update(float[] w, float[] g, float[][] slots, long t, float lr, int from, int to) {
        float[] v = slots[0];
        float r = rho, c = 1 - rho, eps = epsilon;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            v[i] = r * v[i] + c * gi * gi;
            w[i] -= lr * gi / (float) Math.sqrt(v[i] + eps);
        }
    }
}
