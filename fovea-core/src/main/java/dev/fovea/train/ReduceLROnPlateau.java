package dev.fovea.train;

import java.util.Map;

/**
 * Multiplies the learning rate by {@code factor} when the monitored metric has stalled for
 * {@code patience} epochs, not going below minLr, as Keras's ReduceLROnPlateau. Not to be combined
 * with a learning-rate schedule (which would overwrite the change at the next step).
 */
public final class ReduceLROnPlateau implements Callback {
    private final Monitor monitor;
    private final double factor;
    private final int patience;
    private final double minLr;
    private Trainer trainer;
    private int wait;

    public ReduceLROnPlateau(String metric, double factor, int patience, double minLr) {
        if (!(factor > 0 && factor < 1)) throw new dev.fovea.FoveaException("ReduceLROnPlateau: factor must be in (0, 1), got " + factor);
        this.monitor = new Monitor(metric, 1e-4);
        this.factor = factor;
        this.patience = patience;
        this.minLr = minLr;
    }

    @Override public void setTrainer(Trainer t) { trainer = t; }

    @Override public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (monitor.improved(logs)) {
            wait = 0;
        } else if (++wait >= patience) {
            var opt = trainer.optimizer();
            opt.learningRate(Math.max(minLr, opt.learningRate() * factor));
            wait = 0;
        }
    }
}
