package dev.fovea.cli;

import dev.fovea.FoveaException;
import dev.fovea.model.Presets;
import dev.fovea.optim.Adam;
import dev.fovea.optim.AdamW;
import dev.fovea.optim.LearningRateSchedule;
import dev.fovea.optim.Optimizer;
import dev.fovea.optim.OptimizerKind;
import dev.fovea.optim.RMSprop;
import dev.fovea.optim.SGD;
import dev.fovea.optim.ScheduleKind;
import picocli.CommandLine.Option;

import java.util.Locale;

/** The optimizer and learning-rate schedule options of {@code fovea train}; unset ones come from the preset's recipe. */
final class OptimizerOptions {
    @Option(names = "--optimizer", paramLabel = "NAME", description = "adam, adamw, sgd or rmsprop (default: the preset's recipe).")
    String optimizer;

    @Option(names = {"--learning-rate", "--lr"}, paramLabel = "LR", description = "Learning rate, or the peak of a schedule (default: the recipe's).")
    Double learningRate;

    @Option(names = "--momentum", defaultValue = "0", paramLabel = "M", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum for SGD.")
    boolean nesterov;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "AdamW's decoupled weight decay (default: the recipe's, else 0.004).")
    Double weightDecay;

    @Option(names = "--schedule", paramLabel = "NAME", description = "constant, step, cosine or one-cycle (default: the recipe's).")
    String schedule;

    @Option(names = "--warmup-epochs", paramLabel = "E", description = "Linear warm-up epochs of the cosine schedule (default: the recipe's, else 0).")
    Double warmupEpochs;

    Optimizer optimizer(Presets.Recipe recipe) {
        OptimizerKind kind = optimizer != null ? parse(optimizer) : recipe.optimizer();
        double lr = learningRate != null ? learningRate : optimizer == null ? recipe.learningRate() : kind.defaultLearningRate();
        return switch (kind) {
            case ADAM -> new Adam(lr);
            case ADAMW -> new AdamW(lr, weightDecay != null ? weightDecay : recipe.weightDecay() > 0 ? recipe.weightDecay() : 0.004);
            case SGD -> new SGD(lr, momentum, nesterov);
            case RMSPROP -> new RMSprop(lr);
        };
    }

    private static OptimizerKind parse(String name) {
        try {
            return OptimizerKind.of(name);
        } catch (FoveaException e) {
            throw new CliException("--optimizer must be adam, adamw, sgd or rmsprop, got \"" + name.toLowerCase(Locale.ROOT) + "\"");
        }
    }

    /** The schedule over the whole run, or null for a constant rate. */
    LearningRateSchedule schedule(Presets.Recipe recipe, double peak, int epochs, int stepsPerEpoch) {
        ScheduleKind kind = recipe.schedule();
        if (schedule != null) {
            try {
                kind = ScheduleKind.of(schedule);
            } catch (FoveaException e) {
                throw new CliException("--schedule must be constant, step, cosine or one-cycle, got \"" + schedule.toLowerCase(Locale.ROOT) + "\"");
            }
        }
        long total = (long) epochs * stepsPerEpoch;
        return switch (kind) {
            case CONSTANT -> null;
            case STEP -> LearningRateSchedule.stepDecay(peak, 0.5, Math.max(1, total / 3));
            case COSINE -> {
                double warmup = warmupEpochs != null ? warmupEpochs : recipe.warmupEpochs();
                yield LearningRateSchedule.cosine(peak, Math.min(total - 1, Math.round(warmup * stepsPerEpoch)), total, 0.01);
            }
            case ONE_CYCLE -> LearningRateSchedule.oneCycle(peak, Math.max(2, total));
        };
    }
}
