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
    private final StepJob stepJob = new StepJob();

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
     * Updates elements [from, to) of one parameter w from gradient g; {@code slots} are its state
     * arrays; t counts steps from 1. Ranges of one parameter may run concurrently. The gradient is
     * cleared afterwards by {@link #step}, lazily (see {@link Parameter#clearGradLazily}): update
     * must not write g.
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

    /** Applies one step to every parameter, then clears their gradients (lazily: see {@link Parameter}). */
    public void step(List<Parameter> params) {
        if (bound == null) bind(params);
        else if (bound.size() != params.size()) {
            throw new IllegalStateException("optimizer was used with " + bound.size() + " parameters, now " + params.size());
        }
        iterations++;
        // A gradient no kernel produced this step (a layer the loss does not reach) is still the
        // cleared one: grad() makes its zeros real before the update reads it.
        for (int i = 0; i < params.size(); i++) params.get(i).grad();
        stepJob.run(iterations, (float) learningRate);
        for (Parameter p : params) {
            p.clearGradLazily();
            if (p.trainable()) p.markChanged();
        }
    }

    private void bind(List<Parameter> params) {
        bound = List.copyOf(params);
        for (Parameter p : params) {
            float[][] slots = new float[stateSlots()][];
            for (int s = 0; s < slots.length; s++) slots[s] = new float[p.size()];
            state.add(slots);
        }
        stepJob.bind(bound, state);
    }

    /**
     * One parallel loop over the elements of all parameters end to end (one hand-off per step
     * rather than one per parameter), with a reused body so the step allocates nothing.
     */
    private final class StepJob implements Parallel.RangeBody {
        private float[][] values = new float[0][], grads = new float[0][];
        private float[][][] slots = new float[0][][];
        private long[] starts = new long[1];   // starts[i]: index of parameter i's first element; last entry: the total
        private long t;
        private float lr;

        /** Binds the trainable parameters only: moving statistics and the like are never updated (or decayed). */
        void bind(List<Parameter> params, List<float[][]> state) {
            int n = 0;
            for (Parameter p : params) if (p.trainable()) n++;
            values = new float[n][];
            grads = new float[n][];
            slots = new float[n][][];
            starts = new long[n + 1];
            int k = 0;
            for (int i = 0; i < params.size(); i++) {
                if (!params.get(i).trainable()) continue;
                values[k] = params.get(i).value().data();
                grads[k] = params.get(i).grad().data();
                slots[k] = state.get(i);
                starts[k + 1] = starts[k] + values[k].length;
                k++;
            }
        }

        void run(long t, float lr) {
            this.t = t;
            this.lr = lr;
            long total = starts[starts.length - 1];
            if (total > Integer.MAX_VALUE) {
                for (int i = 0; i < values.length; i++) update(values[i], grads[i], slots[i], t, lr, 0, values[i].length);
                return;
            }
            Parallel.forRange((int) total, GRAIN, this);
        }

        @Override public void run(int from, int to) {
            for (int i = 0; i < values.length; i++) {
                long lo = Math.max(from, starts[i]), hi = Math.min(to, starts[i + 1]);
                if (lo < hi) update(values[i], grads[i], slots[i], t, lr, (int) (lo - starts[i]), (int) (hi - starts[i]));
            }
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
