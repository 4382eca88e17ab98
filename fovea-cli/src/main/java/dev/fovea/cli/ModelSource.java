package dev.fovea.cli;

import dev.fovea.io.ModelFile;
import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import dev.fovea.onnx.Onnx;
import dev.fovea.onnx.OnnxModel;
import dev.fovea.onnx.OnnxOptions;
import dev.fovea.tensor.Shape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves {@code --model}: a preset name (e.g. "notes"), an architecture file (model.json
 * format, ending in .json), a trained model (.fovea), an ONNX model (.onnx) or a Keras model
 * (.h5 / .hdf5 from Keras 2, .keras from Keras 3).
 */
final class ModelSource {
    /** The default per-example input: one Fashion-MNIST image. */
    static final Shape DEFAULT_INPUT = Shape.of(28, 28, 1);

    /** A resolved model; trained is true for .fovea files. */
    record Resolved(Model model, boolean trained, String description, Map<String, Object> provenance) {}

    private ModelSource() {}

    /**
     * @param inputShape from --input-shape, or null: the file's own shape, else {@link #DEFAULT_INPUT}
     */
    static Resolved resolve(String spec, Shape inputShape) {
        if (spec.endsWith(".fovea")) {
            Path p = existing(spec);
            var saved = ModelFile.load(p);
            if (inputShape != null && !inputShape.equals(saved.model().inputShape())) {
                throw new CliException(spec + " was trained for input " + saved.model().inputShape()
                        + "; --input-shape " + inputShape + " does not fit it");
            }
            return new Resolved(saved.model(), true, spec, saved.provenance());
        }
        if (spec.endsWith(".onnx")) return onnx(spec, inputShape);
        if (KerasCommand.isKerasFile(spec)) return KerasCommand.resolve(existing(spec), spec, inputShape);
        if (spec.endsWith(".json")) {
            Model m = ModelFile.readArchitecture(existing(spec));
            if (!m.isBuilt() || inputShape != null) m.build(inputShape != null ? inputShape : DEFAULT_INPUT);
            return new Resolved(m, false, spec, Map.of());
        }
        if (!Presets.exists(spec) && (spec.contains("/") || spec.contains("."))) {
            throw new CliException("--model " + spec + ": not a preset, and not a .json architecture, a .fovea model, an .onnx file or a Keras .h5/.keras file");
        }
        Model m = Presets.get(spec).factory().get();
        m.build(inputShape != null ? inputShape : DEFAULT_INPUT);
        return new Resolved(m, false, "preset " + spec, Map.of());
    }

    /**
     * An ONNX model, imported into the core graph. --input-shape H,W,C fixes an image input's
     * size (the ONNX input (N, C, H, W)); otherwise the file's declared shape is used.
     */
    private static Resolved onnx(String spec, Shape inputShape) {
        Path p = existing(spec);
        OnnxOptions options = OnnxOptions.defaults();
        if (inputShape != null) options = options.withInputDims(1, inputShape.dim(2), inputShape.dim(0), inputShape.dim(1));
        OnnxModel m = Onnx.load(p, options);
        Map<String, Object> provenance = new java.util.LinkedHashMap<>();
        provenance.put("source", "onnx");
        provenance.put("file", spec);
        provenance.put("producer", m.producer());
        provenance.put("opset", m.opset());
        return new Resolved(m.model(), true, spec, provenance);
    }

    /** A trained model, as evaluate and predict need. */
    static Resolved trained(String spec) {
        Resolved r = resolve(spec, null);
        if (!r.trained()) {
            throw new CliException("--model " + spec + " is an untrained architecture; pass a trained .fovea file (made by fovea train)");
        }
        return r;
    }

    private static Path existing(String spec) {
        Path p = Path.of(spec);
        if (!Files.isRegularFile(p)) throw new CliException(spec + ": no such file");
        return p;
    }
}
