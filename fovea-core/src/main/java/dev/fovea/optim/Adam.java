package dev.fovea.optim;

import dev.fovea.tensor.VectorSupport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015, Algorithm 1), with the bias corrections folded into the step size
 * as Keras does: w −= lr·sqrt(1−β2^t)/(1−β1^t) · m / (sqrt(v) + ε). Keras defaults.
 */
public final class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;

    public Adam() { this(0.001); }

    public Adam(double learningRate) { this(learningRate, 0.9, 0.999, 1e-7); }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        super(learningRate);
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
    }

    @Override public String className() { return "Adam"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learning_rate", learningRate());
        m.put("beta_1", (double) beta1);
        m.put("beta_2", (double) beta2);
        m.put("epsilon", (double) epsilon);
        return m;
    }

    @Override protected int stateSlots() { return 2; }

    @Override protected void update(float[] w, float[] g, float[][] slots, long t, float lr, int from, int to) {
        float[] m = slots[0], v = slots[1];
        float alpha = (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        float b1 = beta1, b2 = beta2, c1 = 1 - beta1, c2 = 1 - beta2, eps = epsilon;
        // Vector lanes first, then the scalar tail; both compute the same float expression.
        int i = VectorSupport.available() ? AdamVector.update(w, g, m, v, alpha, b1, b2, eps, from, to) : from;
        for (; i < to; i++) {
            float gi = g[i];
            m[i] = b1 * m[i] + c1 * gi;
            v[i] = b2 * v[i] + c2 * gi * gi;
            w[i] -= alpha * m[i] / ((float) Math.sqrt(v[i]) + eps);
        }
    }
}
