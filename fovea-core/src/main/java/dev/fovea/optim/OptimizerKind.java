package dev.fovea.optim;

import dev.fovea.FoveaException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The optimizers Fovea has, each with its Keras name and the learning rate it starts from when
 * none is given: a typed choice for training recipes ({@code dev.fovea.model.Presets.Recipe})
 * and for tools that read names.
 */
public enum OptimizerKind {
    ADAM("adam", 0.001),
    ADAMW("adamw", 0.001),
    SGD("sgd", 0.01),
    RMSPROP("rmsprop", 0.001);

    private final String id;
    private final double defaultLearningRate;

    OptimizerKind(String id, double defaultLearningRate) {
        this.id = id;
        this.defaultLearningRate = defaultLearningRate;
    }

    /** The Keras name, e.g. "adamw". */
    public String id() { return id; }

    public double defaultLearningRate() { return defaultLearningRate; }

    /** The kind named {@code name} (case-insensitive Keras name). */
    public static OptimizerKind of(String name) {
        for (OptimizerKind k : values()) if (k.id.equals(name.toLowerCase(Locale.ROOT))) return k;
        throw new FoveaException("OptimizerKind.of: unknown optimizer \"" + name + "\"; accepted: " + ids());
    }

    /** "adam, adamw, sgd, rmsprop". */
    public static String ids() {
        return Arrays.stream(values()).map(OptimizerKind::id).collect(Collectors.joining(", "));
    }
}
