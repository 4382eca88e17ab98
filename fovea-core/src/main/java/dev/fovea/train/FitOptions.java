package dev.fovea.train;

import dev.fovea.FoveaException;
import dev.fovea.optim.LearningRateSchedule;
import dev.fovea.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@code fit}, Keras names and defaults: epochs 1, batch size 32, shuffling on.
 * The seed drives shuffling and every step's randomness (dropout, augmentation); by default it is
 * the model's seed.
 */
public final class FitOptions {
    int epochs = 1;
    int batchSize = 32;
    boolean shuffle = true;
    Long seed;
    Tensor validationX;
    int[] validationY;
    double validationSplit;
    final List<Callback> callbacks = new ArrayList<>();
    LearningRateSchedule schedule;
    float labelSmoothing;
    double[] classWeights;
    double l2;
    long maxSteps = Long.MAX_VALUE;
    TrainingState resume;
    boolean verbose = true;

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

    /** Holds out the last fraction of in-memory training data for validation (before shuffling), as Keras. */
    public FitOptions validationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) throw new FoveaException("validation split must be in [0, 1), got " + fraction);
        validationSplit = fraction;
        return this;
    }

    /**
     * Whether fit prints Keras-style progress ({@link ProgressBar#forConsole()}: a live bar on a
     * terminal, one line per epoch otherwise) when no ProgressBar is among the callbacks; on by
     * default, as Keras's verbose=1.
     */
    public FitOptions verbose(boolean v) { verbose = v; return this; }

    public FitOptions callbacks(Callback... cs) {
        callbacks.addAll(List.of(cs));
        return this;
    }

    /** Sets the learning rate before every step from the global step. */
    public FitOptions schedule(LearningRateSchedule s) { schedule = s; return this; }

    /** Label smoothing ε for the cross-entropy (0 = none). */
    public FitOptions labelSmoothing(double eps) {
        if (!(eps >= 0 && eps < 1)) throw new FoveaException("label smoothing must be in [0, 1), got " + eps);
        labelSmoothing = (float) eps;
        return this;
    }

    /** Per-class weights of the loss, as Keras's class_weight (index = class). */
    public FitOptions classWeights(double... w) {
        for (double v : w) if (!(v >= 0) || Double.isInfinite(v)) throw new FoveaException("class weights must be finite and >= 0");
        classWeights = w.clone();
        return this;
    }

    /** L2 penalty λ·Σw² on every kernel (not biases), as Keras's kernel_regularizer=l2(λ). */
    public FitOptions l2(double lambda) {
        if (!(lambda >= 0)) throw new FoveaException("l2 must be >= 0, got " + lambda);
        l2 = lambda;
        return this;
    }

    /** Stops after this many optimisation steps in total (e.g. to checkpoint mid-epoch). */
    public FitOptions maxSteps(long steps) {
        if (steps < 1) throw new FoveaException("max steps must be >= 1, got " + steps);
        maxSteps = steps;
        return this;
    }

    /** Continues a run from a checkpoint's state (the model and optimizer must be restored too). */
    public FitOptions resume(TrainingState state) { resume = state; return this; }
}
