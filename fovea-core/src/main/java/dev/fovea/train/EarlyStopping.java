package dev.fovea.train;

import dev.fovea.nn.Parameter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stops training when the monitored metric has not improved for {@code patience} epochs, as
 * Keras's EarlyStopping; with restoreBestWeights, puts back the weights of the best epoch.
 */
public final class EarlyStopping implements Callback {
    private final Monitor monitor;
    private final int patience;
    private final boolean restoreBestWeights;
    private Trainer trainer;
    private int wait;
    private int bestEpoch = -1;
    private List<float[]> bestWeights;

    public EarlyStopping(String metric, int patience, double minDelta, boolean restoreBestWeights) {
        this.monitor = new Monitor(metric, minDelta);
        this.patience = patience;
        this.restoreBestWeights = restoreBestWeights;
    }

    @Override public void setTrainer(Trainer t) { trainer = t; }

    @Override public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (monitor.improved(logs)) {
            wait = 0;
            bestEpoch = epoch;
            if (restoreBestWeights) bestWeights = snapshot(trainer.model().parameters());
        } else if (++wait >= patience) {
            trainer.stopTraining();
        }
    }

    @Override public void onTrainEnd(History history) {
        if (restoreBestWeights && bestWeights != null) {
            List<Parameter> params = trainer.model().parameters();
            for (int i = 0; i < params.size(); i++) {
                float[] w = params.get(i).value().data();
                System.arraycopy(bestWeights.get(i), 0, w, 0, w.length);
                params.get(i).markChanged();
            }
        }
    }

    /** The epoch (0-based) whose weights are best so far, or -1. */
    public int bestEpoch() { return bestEpoch; }

    private static List<float[]> snapshot(List<Parameter> params) {
        List<float[]> copy = new ArrayList<>(params.size());
        for (Parameter p : params) copy.add(p.value().data().clone());
        return copy;
    }
}
