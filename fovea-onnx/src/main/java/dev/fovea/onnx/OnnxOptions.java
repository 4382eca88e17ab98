package dev.fovea.onnx;

import java.nio.file.Path;
import java.util.Map;

/**
 * How to import an ONNX model.
 *
 * @param inputDims         the data input's ONNX dims (e.g. 1, 3, 224, 224), overriding the declared
 *                          ones; null uses the declaration (an unnamed batch axis counts as 1)
 * @param bindings          values for graph inputs other than the data input, which then become
 *                          constants (the conformance runner binds test inputs this way)
 * @param allowExternalData read tensors kept in files beside the model (only inside its folder)
 * @param wholeTensors      hold every tensor whole (batch 1) instead of mapping ONNX axis 0 to
 *                          the batch axis; the importer falls back to this by itself when the
 *                          graph computes across axis 0
 * @param normalization     the input normalisation the network was trained with, made the model's
 *                          first layer so images in [0, 1] go in as everywhere in Fovea (and
 *                          {@link OnnxModel#run} then takes the image before normalisation); null: none
 */
public record OnnxOptions(int[] inputDims, Map<String, OnnxTensor> bindings, boolean allowExternalData, boolean wholeTensors,
                          InputNormalization normalization) {
    /** y = (x - mean) / std per channel (one value each for every channel, or one per channel). */
    public record InputNormalization(float[] mean, float[] std) {
        /** torchvision's ImageNet statistics, for RGB images in [0, 1]. */
        public static final InputNormalization IMAGENET =
                new InputNormalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

        public InputNormalization {
            mean = mean.clone();
            std = std.clone();
            if (mean.length != std.length || mean.length == 0) {
                throw new dev.fovea.FoveaException("input normalisation: mean has " + mean.length + " values and std " + std.length
                        + "; give one of each, or one per channel");
            }
            for (int i = 0; i < std.length; i++) {
                if (!Float.isFinite(mean[i]) || !(std[i] > 0) || !Float.isFinite(std[i])) {
                    throw new dev.fovea.FoveaException("input normalisation: channel " + i + " has mean " + mean[i] + " and std " + std[i]
                            + "; the mean must be finite and the std finite and > 0");
                }
            }
        }

        @Override public float[] mean() { return mean.clone(); }
        @Override public float[] std() { return std.clone(); }
    }

    public OnnxOptions {
        inputDims = inputDims == null ? null : inputDims.clone();
        bindings = Map.copyOf(bindings);
    }

    public OnnxOptions(int[] inputDims, Map<String, OnnxTensor> bindings, boolean allowExternalData, boolean wholeTensors) {
        this(inputDims, bindings, allowExternalData, wholeTensors, null);
    }

    public static OnnxOptions defaults() {
        return new OnnxOptions(null, Map.of(), false, false, null);
    }

    public OnnxOptions withNormalization(InputNormalization n) {
        return new OnnxOptions(inputDims, bindings, allowExternalData, wholeTensors, n);
    }

    @Override public int[] inputDims() { return inputDims == null ? null : inputDims.clone(); }

    public OnnxOptions withInputDims(int... dims) {
        return new OnnxOptions(dims, bindings, allowExternalData, wholeTensors, normalization);
    }

    public OnnxOptions withBindings(Map<String, OnnxTensor> b) {
        return new OnnxOptions(inputDims, b, allowExternalData, wholeTensors, normalization);
    }

    public OnnxOptions withExternalData(boolean allow) {
        return new OnnxOptions(inputDims, bindings, allow, wholeTensors, normalization);
    }

    public OnnxOptions withWholeTensors(boolean whole) {
        return new OnnxOptions(inputDims, bindings, allowExternalData, whole, normalization);
    }

    /** The folder external data may come from, or null when it is not allowed. */
    public Path externalDataDir(Path model) {
        if (!allowExternalData) return null;
        Path parent = model.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }
}
