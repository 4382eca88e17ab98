package dev.fovea.train;

import dev.fovea.FoveaException;

import java.util.Map;

/**
 * Which logged metric a callback watches and which direction is better: loss-like metrics
 * ("loss", "val_loss") improve downwards, others ("val_accuracy") upwards, as Keras's mode="auto".
 */
final class Monitor {
    private final String metric;
    private final boolean lowerIsBetter;
    private final double minDelta;
    private double best;

    Monitor(String metric, double minDelta) {
        this.metric = metric;
        this.lowerIsBetter = metric.endsWith("loss");
        this.minDelta = Math.abs(minDelta);
        this.best = lowerIsBetter ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    String metric() { return metric; }
    double best() { return best; }

    /** True when the epoch's value beats the best so far by more than minDelta (and records it). */
    boolean improved(Map<String, Double> logs) {
        Double v = logs.get(metric);
        if (v == null) {
            throw new FoveaException("callback monitors \"" + metric + "\", which the training logs do not have; logged: " + logs.keySet());
        }
        boolean better = lowerIsBetter ? v < best - minDelta : v > best + minDelta;
        if (better) best = v;
        return better;
    }
}
