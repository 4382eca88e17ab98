package dev.fovea.model;

import dev.fovea.FoveaException;
import dev.fovea.nn.Activation;
import dev.fovea.nn.ActivationLayer;
import dev.fovea.nn.BatchNormalization;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Dropout;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.nn.RandomFlip;
import dev.fovea.nn.RandomTranslation;
import dev.fovea.optim.OptimizerKind;
import dev.fovea.optim.ScheduleKind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/** Built-in architectures, chosen by name (e.g. {@code fovea train --model notes}). */
public final class Presets {
    private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();

    /** A named architecture and the training recipe it is known to do well with. */
    public record Preset(String name, String description, Supplier<Sequential> factory, Recipe recipe) {}

    /**
     * How a preset is known to train well (the defaults of {@code fovea train}, each of which a
     * caller may override).
     *
     * @param optimizer      which optimizer
     * @param schedule       the learning-rate schedule over the run
     * @param weightDecay    AdamW's decoupled weight decay (0 for other optimizers)
     * @param labelSmoothing cross-entropy label smoothing
     * @param warmupEpochs   linear warm-up of the cosine schedule, in epochs
     */
    public record Recipe(OptimizerKind optimizer, double learningRate, int epochs, int batchSize, ScheduleKind schedule,
                         double weightDecay, double labelSmoothing, double warmupEpochs) {
        public Recipe {
            Objects.requireNonNull(optimizer, "optimizer");
            Objects.requireNonNull(schedule, "schedule");
        }

        public Recipe(OptimizerKind optimizer, double learningRate, int epochs, int batchSize) {
            this(optimizer, learningRate, epochs, batchSize, ScheduleKind.CONSTANT, 0, 0, 0);
        }
    }

    static {
        add(new Preset("notes", "the course-notes CNN: Conv2D 32/3 relu, MaxPool 2/2, Conv2D 64/3 relu, MaxPool 2/2, Flatten, Dense 1024 relu, Dense 10 softmax",
                () -> notes(0), new Recipe(OptimizerKind.ADAM, 0.001, 6, 64)));
        add(new Preset("notes-dropout", "the course-notes CNN with Dropout 0.4 before the last Dense (the TensorFlow tutorial row of the Fashion-MNIST benchmark)",
                () -> notes(0.4), new Recipe(OptimizerKind.ADAM, 0.001, 15, 64)));
        add(new Preset("notes-bn", "the course-notes CNN with batch normalisation after each convolution and the hidden Dense, "
                + "dropout 0.4, and random horizontal flips and shifts of up to 2 pixels during training",
                Presets::notesBatchNorm, new Recipe(OptimizerKind.ADAM, 0.001, 20, 64, ScheduleKind.COSINE, 0, 0, 0)));
        add(new Preset("fovea-small", "a small VGG-style CNN: two blocks of two 3x3 same convolutions with batch normalisation "
                + "(32 and 64 filters), each ending in max pooling and dropout 0.25, then Dense 512 with batch normalisation and dropout 0.5; "
                + "random horizontal flips; Adam with cosine decay after a one-epoch warm-up, label smoothing 0.1",
                Presets::foveaSmall, new Recipe(OptimizerKind.ADAM, 0.001, 30, 128, ScheduleKind.COSINE, 0, 0.1, 1)));
        add(new Preset("tiny", "a small fast CNN for smoke tests: Conv2D 8/3 relu, MaxPool 2/2, Flatten, Dense 10 softmax",
                () -> Sequential.of(new Conv2D(8, 3, "relu"), new MaxPool2D(2, 2), new Flatten(), new Dense(10, "softmax")),
                new Recipe(OptimizerKind.ADAM, 0.003, 2, 64)));
    }

    private Presets() {}

    private static void add(Preset p) { PRESETS.put(p.name(), p); }

    /**
     * The model of the MIT 6.S191 lecture on CNNs, line for line as its Keras code; with a dropout
     * rate above 0, a Dropout layer before the last Dense.
     */
    public static Sequential notes(double dropout) {
        Sequential m = new Sequential();
        m.add(new Conv2D(32, 3, "relu"));
        m.add(new MaxPool2D(2, 2));
        m.add(new Conv2D(64, 3, "relu"));
        m.add(new MaxPool2D(2, 2));
        m.add(new Flatten());
        m.add(new Dense(1024, "relu"));
        if (dropout > 0) m.add(new Dropout(dropout));
        m.add(new Dense(10, "softmax"));
        return m;
    }

    /** The course-notes model with batch normalisation (conv biases dropped: BN's beta replaces them) and augmentation. */
    public static Sequential notesBatchNorm() {
        Sequential m = new Sequential();
        m.add(new RandomFlip("horizontal"));
        m.add(new RandomTranslation(0.08, 0.08));
        m.add(new Conv2D(32, 3).useBias(false));
        m.add(new BatchNormalization());
        m.add(new ActivationLayer("relu"));
        m.add(new MaxPool2D(2, 2));
        m.add(new Conv2D(64, 3).useBias(false));
        m.add(new BatchNormalization());
        m.add(new ActivationLayer("relu"));
        m.add(new MaxPool2D(2, 2));
        m.add(new Flatten());
        m.add(new Dense(new Dense.Config(1024, Activation.LINEAR, false)));
        m.add(new BatchNormalization());
        m.add(new ActivationLayer("relu"));
        m.add(new Dropout(0.4));
        m.add(new Dense(10, "softmax"));
        return m;
    }

    /**
     * Two VGG blocks (two "same" 3x3 convolutions each, batch normalised, then max pooling and
     * dropout) and a batch-normalised Dense 512 head. Why this shape: the course-notes model with
     * batch normalisation overfits Fashion-MNIST (training accuracy 0.993, test 0.930), and a
     * global-average-pooling design with heavy augmentation underfits it (0.916, 0.928); convolving
     * twice at full resolution before each pooling and regularising with dropout and flips only
     * reached 0.94 (docs/figures/README.md).
     */
    public static Sequential foveaSmall() {
        Sequential m = new Sequential();
        m.add(new RandomFlip("horizontal"));
        for (int filters : new int[] {32, 64}) {
            for (int i = 0; i < 2; i++) {
                m.add(new Conv2D(filters, 3).padding("same").useBias(false));
                m.add(new BatchNormalization());
                m.add(new ActivationLayer("relu"));
            }
            m.add(new MaxPool2D(2, 2));
            m.add(new Dropout(0.25));
        }
        m.add(new Flatten());
        m.add(new Dense(new Dense.Config(512, Activation.LINEAR, false)));
        m.add(new BatchNormalization());
        m.add(new ActivationLayer("relu"));
        m.add(new Dropout(0.5));
        m.add(new Dense(10, "softmax"));
        return m;
    }

    public static boolean exists(String name) { return PRESETS.containsKey(name); }

    public static Preset get(String name) {
        Preset p = PRESETS.get(name);
        if (p == null) throw new FoveaException("unknown model preset \"" + name + "\"; presets: " + String.join(", ", names())
                + " (or pass a model.json architecture file or a trained .fovea file)");
        return p;
    }

    public static List<String> names() { return List.copyOf(PRESETS.keySet()); }
}
