package dev.fovea.train;

import java.util.List;
import java.util.Map;

/**
 * Where a training run stands between two steps: the data cursor (epoch and next batch), the
 * global step (which also fixes the random stream of the next step), and the running sums of the
 * epoch in progress. With the weights and the optimizer state it is everything a checkpoint needs
 * to continue bit-identically.
 *
 * @param seed        the run's seed (order of every epoch and every step's randomness)
 * @param epoch       the epoch in progress (0-based)
 * @param batch       the next batch of that epoch
 * @param globalStep  optimisation steps taken so far
 * @param lossSum     sum of batch-mean loss times batch size over the epoch so far
 * @param correct     correctly classified examples of the epoch so far
 * @param seen        examples of the epoch so far
 * @param history     logs of the epochs already finished
 */
public record TrainingState(long seed, int epoch, int batch, long globalStep, double lossSum, long correct, int seen,
                            List<Map<String, Double>> history) {
    public TrainingState {
        history = List.copyOf(history);
    }

    /** The beginning of a run. */
    public static TrainingState start(long seed) {
        return new TrainingState(seed, 0, 0, 0, 0, 0, 0, List.of());
    }
}
