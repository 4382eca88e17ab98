package dev.fovea.optim;

import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019): before each Adam step, w −= lr · λ · w, as Keras's AdamW applies it.
 * Unlike an L2 penalty, the decay does not pass through the adaptive scaling.
 */
public final class AdamW extends Optimizer {
    private final Adam adam;
    private final float weightDecay;

    public AdamW(double learningRate, double weightDecay) {
        this(learningRate, weightDecay, 0.9, 0.999, 1e-7);
    }

    public AdamW(double learningRate, double weightDecay, double beta1, double beta2, double epsilon) {
        super(learningRate);
        if (!(weightDecay >= 0)) throw new dev.fovea.FoveaException("AdamW: weight_decay must be >= 0, got " + weightDecay);
        this.adam = new Adam(learningRate, beta1, beta2, epsilon);
        this.weightDecay = (float) weightDecay;
    }

    @Override public String className() { return "AdamW"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new java.util.LinkedHashMap<>(adam.config());
        m.put("learning_rate", learningRate());
        m.put("weight_decay", (double) weightDecay);
        return m;
    }

    @Override protected int stateSlots() { return adam.stateSlots(); }

    @Override protected void update(float[] w, float[] g, float[][] slots, long t, float lr, int from, int to) {
        float keep = 1f - lr * weightDecay;
        for (int i = from; i < to; i++) w[i] *= keep;
        adam.update(w, g, slots, t, lr, from, to);
    }
}
