package dev.fovea.optim;

import dev.fovea.FoveaException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The learning-rate schedules of {@link LearningRateSchedule}, as a typed choice for training recipes. */
public enum ScheduleKind {
    /** No schedule: the learning rate stays where it starts. */
    CONSTANT("constant"),
    /** {@link LearningRateSchedule#stepDecay}. */
    STEP("step"),
    /** {@link LearningRateSchedule#cosine}, optionally after a linear warm-up. */
    COSINE("cosine"),
    /** {@link LearningRateSchedule#oneCycle}. */
    ONE_CYCLE("one-cycle");

    private final String id;

    ScheduleKind(String id) {
        this.id = id;
    }

    /** The name, e.g. "one-cycle". */
    public String id() { return id; }

    /** The kind named {@code name} (case-insensitive). */
    public static ScheduleKind of(String name) {
        for (ScheduleKind k : values()) if (k.id.equals(name.toLowerCase(Locale.ROOT))) return k;
        throw new FoveaException("ScheduleKind.of: unknown schedule \"" + name + "\"; accepted: " + ids());
    }

    /** "constant, step, cosine, one-cycle". */
    public static String ids() {
        return Arrays.stream(values()).map(ScheduleKind::id).collect(Collectors.joining(", "));
    }
}
