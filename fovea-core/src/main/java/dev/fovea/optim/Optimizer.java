package dev.fovea.optim;

import dev.fovea.FoveaException;
import dev.fovea.nn.Parameter;
import dev.fovea.tensor.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their accumulated gradients. Per-parameter state (momenta) is created
 * on the first step, in parameter order, and reused: steps allocate nothing.
 */
public abstract class Optimizer {
    private double learningRate;
    private long iterations;
    private final List<float[][]> state = new ArrayList<>();
    private List<Parameter> bound;

    protected Optimizer(double learningRate) {
        learningRate(learningRate);
    }

    /** Keras's class name, e.g. "Adam". */
    public abstract String className();

    /** The hyper-parameters in Keras's keys, e.g. {"learning_rate": 0.001, "beta_1": 0.9, ...}. */
    public abstract Map<String, Object> config();

    /** How many state arrays (each the size of the parameter) one parameter needs. */
    protected abstract int stateSlots();

    /**
     * Updates elements [from, to) of one parameter w from gradient g, and sets those gradient
     * elements to 0 (fused: one pass over memory instead of two); {@code slots} are its state
     * arrays; t counts steps from 1. Ranges of one parameter may run concurrently.
     */
    protected abstract void update(float[] w, float[] g, float[][] slots, long t, float lr, int from, int to);

    public double learningRate() { return learningRate; }

    public void learningRate(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) throw new FoveaException(className() + ": learning rate must be a positive number, got " + lr);
        this.learningRate = lr;
    }

    public long iterations() { return iterations; }

    /**
     * The state arrays of every parameter bound so far, in parameter order (for checkpoints);
     * empty before the first step.
     */
    public List<float[][]> state() { return java.util.Collections.unmodifiableList(state); }

    /**
     * Restores a checkpoint: binds to params and copies their state slots and the step count, so
     * the next step is exactly the one an uninterrupted run would take.
     */
    public void restore(List<Parameter> params, List<float[][]> slots, long steps) {
        bound = null;
        state.clear();
        bind(params);
        if (slots.size() != params.size()) throw new FoveaException(className() + ": checkpoint has state for " + slots.size() + " parameters, the model has " + params.size());
        for (int i = 0; i < params.size(); i++) {
            float[][] dst = state.get(i), src = slots.get(i);
            if (src.length != dst.length) throw new FoveaException(className() + ": checkpoint has " + src.length + " state slots for " + params.get(i).name() + ", expected " + dst.length);
            for (int s = 0; s < dst.length; s++) {
                if (src[s].length != dst[s].length) throw new FoveaException(className() + ": checkpoint state of " + params.get(i).name() + " has " + src[s].length + " values, expected " + dst[s].length);
                System.arraycopy(src[s], 0, dst[s], 0, dst[s].length);
            }
        }
        iterations = steps;
    }

    /** Names of the state slots, e.g. ["m", "v"] for Adam; used as tensor names in checkpoints. */
    public int slotsPerParameter() { return stateSlots(); }

    /** Elements per parallel chunk: large layers (a 1600x1024 kernel) split over the cores, small ones stay inline. */
    private static final int GRAIN = 1 << 16;

    /** Applies one step to every parameter, then clears their gradients. */
    public void step(List<Parameter> params) {
        if (bound == null) bind(params);
        else if (bound.size() != params.size()) {
            throw new IllegalStateException("optimizer was used with " + bound.size() + " parameters, now " + params.size());
        }
        iterations++;
        float lr = (float) learningRate;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (!p.trainable()) continue;   // e.g. moving statistics: updated by their layer, never decayed
            float[] w = p.value().data(), g = p.grad().data();
            float[][] slots = state.get(i);
            long t = iterations;
            Parallel.forRange(w.length, GRAIN, (from, to) -> update(w, g, slots, t, lr, from, to));
        }
    }

    private void bind(List<Parameter> params) {
        bound = List.copyOf(params);
        for (Parameter p : params) {
            float[][] slots = new float[stateSlots()][];
            for (int s = 0; s < slots.length; s++) slots[s] = new float[p.size()];
            state.add(slots);
        }
    }

    /** Builds an optimizer from its Keras name ("sgd", "adam") with default settings. */
    public static Optimizer byName(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "sgd" -> new SGD(0.01);
            case "adam" -> new Adam(0.001);
            case "adamw" -> new AdamW(0.001, 0.004);
            case "rmsprop" -> new RMSprop(0.001);
            default -> throw new FoveaException("unknown optimizer \"" + name + "\"; accepted: sgd, adam, adamw, rmsprop");
        };
    }
}
