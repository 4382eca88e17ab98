package dev.fovea.train;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@code fit}, Keras names and defaults: epochs 1, batch size 32, shuffling on.
 * The seed drives shuffling and dropout; by default it is the model's seed.
 */
public final class FitOptions {
    int epochs = 1;
    int batchSize = 32;
    boolean shuffle = true;
    Long seed;
    Tensor validationX;
    int[] validationY;
    final List<Callback> callbacks = new ArrayList<>();

    public static FitOptions epochs(int epochs) { return new FitOptions().withEpochs(epochs); }

    public FitOptions withEpochs(int e) {
        if (e < 1) throw new FoveaException("epochs must be >= 1, got " + e);
        epochs = e;
        return this;
    }

    public FitOptions batchSize(int b) {
        if (b < 1) throw new FoveaException("batch size must be >= 1, got " + b);
        batchSize = b;
        return this;
    }

    public FitOptions shuffle(boolean s) { shuffle = s; return this; }

    public FitOptions seed(long s) { seed = s; return this; }

    /** Data evaluated after each epoch; its metrics appear as "val_loss", "val_accuracy". */
    public FitOptions validationData(Tensor x, int[] y) {
        validationX = x;
        validationY = y;
        return this;
    }

    public FitOptions callbacks(Callback... cs) {
        callbacks.addAll(List.of(cs));
        return this;
    }
}
