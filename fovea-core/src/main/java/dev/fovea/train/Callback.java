package dev.fovea.train;

import java.util.Map;

/** Hooks into {@code fit}, as Keras callbacks. Logs map metric names ("loss", "accuracy", "val_loss", ...) to values. */
public interface Callback {
    /** Called first, with the trainer running the fit (its model, optimizer, stopTraining()). */
    default void setTrainer(Trainer trainer) {}

    /** Called once before the first epoch. */
    default void onTrainBegin(int epochs, int examples, int batchSize) {}

    /** Called before each epoch; epoch counts from 0. */
    default void onEpochBegin(int epoch) {}

    /** Called after each batch with the running means of the epoch so far. */
    default void onBatchEnd(int epoch, int examplesSeen, Map<String, Double> runningLogs) {}

    /** Called after each epoch (and its validation) with the epoch's logs. */
    default void onEpochEnd(int epoch, Map<String, Double> logs) {}

    default void onTrainEnd(History history) {}
}
