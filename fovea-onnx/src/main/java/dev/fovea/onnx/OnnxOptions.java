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
 */
public record OnnxOptions(int[] inputDims, Map<String, OnnxTensor> bindings, boolean allowExternalData, boolean wholeTensors) {
    public OnnxOptions {
        inputDims = inputDims == null ? null : inputDims.clone();
        bindings = Map.copyOf(bindings);
    }

    public static OnnxOptions defaults() {
        return new OnnxOptions(null, Map.of(), false, false);
    }

    @Override public int[] inputDims() { return inputDims == null ? null : inputDims.clone(); }

    public OnnxOptions withInputDims(int... dims) {
        return new OnnxOptions(dims, bindings, allowExternalData, wholeTensors);
    }

    public OnnxOptions withBindings(Map<String, OnnxTensor> b) {
        return new OnnxOptions(inputDims, b, allowExternalData, wholeTensors);
    }

    public OnnxOptions withExternalData(boolean allow) {
        return new OnnxOptions(inputDims, bindings, allow, wholeTensors);
    }

    public OnnxOptions withWholeTensors(boolean whole) {
        return new OnnxOptions(inputDims, bindings, allowExternalData, whole);
    }

    /** The folder external data may come from, or null when it is not allowed. */
    public Path externalDataDir(Path model) {
        if (!allowExternalData) return null;
        Path parent = model.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }
}
