package dev.fovea.cli;

import dev.fovea.nn.Normalization;

import java.util.Locale;

/**
 * Parses {@code --normalize imagenet|MEAN,STD|M1,..,MC,S1,..,SC} into a {@link Normalization}
 * layer put in front of the model: the statistics then travel in the model file, and evaluate,
 * predict, visualize and serve apply them with the model (Keras's advice: preprocessing inside
 * the model). Values are on the [0, 1] scale the images are read in.
 */
final class NormalizeSpec {
    static final String HELP = "imagenet (mean 0.485,0.456,0.406, std 0.229,0.224,0.225; RGB), MEAN,STD for every channel,"
            + " or M1,..,MC,S1,..,SC per channel; on the [0, 1] pixel scale";
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private NormalizeSpec() {}

    /** The layer for {@code spec}, checked against the data's {@code channels}. */
    static Normalization parse(String spec, int channels) {
        float[] mean, std;
        if (spec.trim().toLowerCase(Locale.ROOT).equals("imagenet")) {
            if (channels != 3) {
                throw new CliException("--normalize imagenet is for RGB images, but the data has " + channels
                        + " channel(s); give MEAN,STD (e.g. --normalize 0.5,0.25) or --color-mode rgb");
            }
            mean = IMAGENET_MEAN;
            std = IMAGENET_STD;
        } else {
            String[] parts = spec.split(",");
            float[] v = new float[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    v[i] = Float.parseFloat(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw bad(spec, channels);
                }
            }
            if (v.length == 2) {
                mean = fill(v[0], channels);
                std = fill(v[1], channels);
            } else if (v.length == 2 * channels) {
                mean = java.util.Arrays.copyOfRange(v, 0, channels);
                std = java.util.Arrays.copyOfRange(v, channels, 2 * channels);
            } else {
                throw bad(spec, channels);
            }
        }
        float[] variance = new float[std.length];
        for (int i = 0; i < std.length; i++) {
            if (!(std[i] > 0) || !Float.isFinite(std[i]) || !Float.isFinite(mean[i])) {
                throw new CliException("--normalize " + spec + ": every mean must be finite and every std finite and > 0");
            }
            variance[i] = std[i] * std[i];
        }
        return new Normalization(mean, variance);
    }

    private static CliException bad(String spec, int channels) {
        return new CliException("--normalize must be imagenet, MEAN,STD, or " + 2 * channels + " numbers (the means, then the stds,"
                + " of the data's " + channels + " channel(s)), got \"" + spec + "\"");
    }

    private static float[] fill(float v, int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
