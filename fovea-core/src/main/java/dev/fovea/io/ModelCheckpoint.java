package dev.fovea.io;

import dev.fovea.train.Callback;
import dev.fovea.train.Trainer;

import java.nio.file.Path;
import java.util.Map;

/**
 * Saves the model after an epoch, as Keras's ModelCheckpoint: with bestOnly, only when the
 * monitored metric improved. With fullState, writes a resumable {@link Checkpoint} instead of a
 * plain model file. Every save is atomic.
 */
public final class ModelCheckpoint implements Callback {
    private final Path file;
    private final String metric;
    private final boolean bestOnly;
    private final boolean fullState;
    private final Map<String, Object> provenance;
    private Trainer trainer;
    private double best;

    public ModelCheckpoint(Path file, String metric, boolean bestOnly, boolean fullState, Map<String, Object> provenance) {
        this.file = file;
        this.metric = metric;
        this.bestOnly = bestOnly;
        this.fullState = fullState;
        this.provenance = provenance;
        this.best = lowerIsBetter() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    private boolean lowerIsBetter() { return metric.endsWith("loss"); }

    @Override public void setTrainer(Trainer t) { trainer = t; }

    @Override public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (bestOnly) {
            Double v = logs.get(metric);
            if (v == null) throw new dev.fovea.FoveaException("ModelCheckpoint monitors \"" + metric + "\", which the logs do not have: " + logs.keySet());
            boolean better = lowerIsBetter() ? v < best : v > best;
            if (!better) return;
            best = v;
        }
        if (fullState) Checkpoint.save(file, trainer, provenance);
        else ModelFile.save(file, trainer.model(), provenance);
    }
}
