package dev.fovea.optim;

import dev.fovea.FoveaException;

import java.util.Map;

/**
 * The learning rate as a function of the global step (counting from 0), applied by the trainer
 * before each step. A pure function of the step, so resumed runs need no extra state.
 */
public interface LearningRateSchedule {
    double at(long step);

    /** Keras-style description for provenance. */
    Map<String, Object> config();

    /** lr = initial · factor^floor(step / every): the classic step decay. */
    static LearningRateSchedule stepDecay(double initial, double factor, long every) {
        if (every < 1 || !(factor > 0)) throw new FoveaException("step decay needs every >= 1 and factor > 0");
        return new LearningRateSchedule() {
            @Override public double at(long step) { return initial * Math.pow(factor, Math.floorDiv(step, every)); }
            @Override public Map<String, Object> config() { return Map.of("class_name", "StepDecay", "initial", initial, "factor", factor, "every", every); }
        };
    }

    /**
     * Linear warm-up from 0 to peak over warmupSteps, then cosine decay to peak · minFraction at
     * totalSteps (Loshchilov and Hutter, "SGDR", ICLR 2017, without restarts; Goyal et al. 2017 warm-up).
     */
    static LearningRateSchedule cosine(double peak, long warmupSteps, long totalSteps, double minFraction) {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps >= totalSteps) {
            throw new FoveaException("cosine schedule needs 0 <= warmup steps < total steps, got " + warmupSteps + " and " + totalSteps);
        }
        return new LearningRateSchedule() {
            @Override public double at(long step) {
                if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
                double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
                double cos = 0.5 * (1 + Math.cos(Math.PI * progress));
                return peak * (minFraction + (1 - minFraction) * cos);
            }
            @Override public Map<String, Object> config() {
                return Map.of("class_name", "CosineDecay", "peak", peak, "warmup_steps", warmupSteps, "total_steps", totalSteps, "min_fraction", minFraction);
            }
        };
    }

    /**
     * One-cycle (Smith and Topin, "Super-Convergence", 2019), cosine-annealed as PyTorch's
     * OneCycleLR: from peak/25 up to peak over the first 30% of steps, then down to peak/(25·10^4).
     */
    static LearningRateSchedule oneCycle(double peak, long totalSteps) {
        if (totalSteps < 2) throw new FoveaException("one-cycle schedule needs at least 2 steps, got " + totalSteps);
        double start = peak / 25, end = start / 1e4;
        long up = Math.max(1, (long) (0.3 * totalSteps));
        return new LearningRateSchedule() {
            @Override public double at(long step) {
                if (step < up) return anneal(start, peak, (double) step / up);
                return anneal(peak, end, Math.min(1.0, (double) (step - up) / Math.max(1, totalSteps - 1 - up)));
            }
            @Override public Map<String, Object> config() { return Map.of("class_name", "OneCycle", "peak", peak, "total_steps", totalSteps); }
        };
    }

    /** Cosine interpolation from a (fraction 0) to b (fraction 1). */
    private static double anneal(double a, double b, double fraction) {
        return b + (a - b) * 0.5 * (1 + Math.cos(Math.PI * fraction));
    }
}
