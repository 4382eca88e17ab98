package dev.fovea.cli;

import dev.fovea.nn.Layer;
import dev.fovea.nn.RandomErasing;
import dev.fovea.nn.RandomFlip;
import dev.fovea.nn.RandomRotation;
import dev.fovea.nn.RandomTranslation;
import dev.fovea.nn.RandomZoom;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code fovea train --augment SPEC}: augmentation layers put in front of a preset, written as a
 * comma-separated list such as {@code flip,translate=0.1,rotate=0.05,zoom=0.1,erase}. They are
 * layers of the model (so they are saved in model.json and do nothing at inference), as Keras's
 * RandomFlip, RandomTranslation, RandomRotation, RandomZoom and a random-erasing layer.
 */
final class AugmentSpec {
    static final String HELP = "flip (horizontal), flip=vertical|horizontal_and_vertical, translate=F (fraction of height and width), "
            + "rotate=F (fraction of a full turn), zoom=F, erase (random erasing, p 0.5)";

    private AugmentSpec() {}

    /** The layers of spec, in its order; a one-line error naming the bad item and what is accepted. */
    static List<Layer> parse(String spec) {
        List<Layer> layers = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.isEmpty()) continue;
            int eq = item.indexOf('=');
            String name = eq < 0 ? item : item.substring(0, eq).trim();
            String value = eq < 0 ? null : item.substring(eq + 1).trim();
            layers.add(switch (name) {
                case "flip" -> new RandomFlip(value == null ? "horizontal" : flipMode(value));
                case "translate" -> {
                    double f = fraction(name, value, 0.5);
                    yield new RandomTranslation(f, f);
                }
                case "rotate" -> new RandomRotation(fraction(name, value, 0.5));
                case "zoom" -> new RandomZoom(fraction(name, value, 0.9));
                case "erase" -> {
                    if (value != null) throw new CliException("--augment: erase takes no value, got \"" + item + "\"");
                    yield new RandomErasing();
                }
                default -> throw new CliException("--augment: unknown augmentation \"" + name + "\"; accepted: " + HELP);
            });
        }
        if (layers.isEmpty()) throw new CliException("--augment: no augmentation given; accepted: " + HELP);
        return layers;
    }

    private static String flipMode(String value) {
        return switch (value) {
            case "horizontal", "vertical", "horizontal_and_vertical" -> value;
            default -> throw new CliException("--augment: flip must be horizontal, vertical or horizontal_and_vertical, got \"" + value + "\"");
        };
    }

    private static double fraction(String name, String value, double max) {
        if (value == null) throw new CliException("--augment: " + name + " needs a value, e.g. " + name + "=0.1");
        try {
            double f = Double.parseDouble(value);
            if (f > 0 && f <= max) return f;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new CliException("--augment: " + name + " must be a number in (0, " + max + "], got \"" + value + "\"");
    }
}
