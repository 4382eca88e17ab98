package dev.fovea.train;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The running means handed to {@link Callback#onBatchEnd}: "loss" and, when tracked, "accuracy".
 * Held as plain doubles and boxed only when a callback reads them, so a step that no callback
 * reads allocates nothing. Like the map it replaces, it is updated in place every batch and keeps
 * the last values until the next update.
 */
final class RunningLogs extends AbstractMap<String, Double> {
    private final boolean accuracy;
    private double loss, acc;
    private boolean set;

    RunningLogs(boolean accuracy) {
        this.accuracy = accuracy;
    }

    void update(double loss, double accuracy) {
        this.loss = loss;
        this.acc = accuracy;
        this.set = true;
    }

    @Override public Double get(Object key) {
        if (!set) return null;
        if ("loss".equals(key)) return loss;
        if (accuracy && "accuracy".equals(key)) return acc;
        return null;
    }

    @Override public boolean containsKey(Object key) {
        return set && ("loss".equals(key) || accuracy && "accuracy".equals(key));
    }

    @Override public Set<Entry<String, Double>> entrySet() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (set) {
            m.put("loss", loss);
            if (accuracy) m.put("accuracy", acc);
        }
        return m.entrySet();
    }
}
