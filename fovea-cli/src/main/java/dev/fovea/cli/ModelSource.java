package dev.fovea.cli;

import dev.fovea.io.ModelFile;
import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import dev.fovea.model.Sequential;
import dev.fovea.nn.ClassifierHead;
import dev.fovea.nn.Layer;
import dev.fovea.onnx.Onnx;
import dev.fovea.onnx.OnnxModel;
import dev.fovea.onnx.OnnxOptions;
import dev.fovea.tensor.Shape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resolves {@code --model}: a preset name (e.g. "notes"), an architecture file (model.json
 * format, ending in .json), a trained model (.fovea), an ONNX model (.onnx) or a Keras model
 * (.h5 / .hdf5 from Keras 2, .keras from Keras 3).
 */
final class ModelSource {
    /** The presets, for help texts (annotation values must be constants; CliTest holds it equal to Presets.names()). */
    static final String PRESET_NAMES = "notes, notes-dropout, notes-bn, fovea-small, tiny";

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
     * An untrained preset or architecture file fitted to the data, as a Keras user writes
     * {@code Dense(n)} and {@code input_shape}: built for {@code input} with {@code classes} units
     * in its classifier head, weights drawn from {@code seed}. {@code front} (normalisation and augmentation
     * layers) goes in front of a Sequential architecture. What was changed from the architecture as written is added to
     * {@code adapted}, one phrase per change.
     */
    static Resolved forData(String spec, Shape input, int classes, long seed, List<Layer> front, List<String> adapted) {
        Model m;
        Shape declared;
        String description;
        if (Presets.exists(spec)) {
            m = Presets.get(spec).factory().get();
            declared = DEFAULT_INPUT;
            description = "preset " + spec;
        } else if (spec.endsWith(".json")) {
            var a = ModelFile.readUnbuiltArchitecture(existing(spec));
            m = a.model();
            declared = a.declaredInputShape();
            description = spec;
        } else {
            throw new CliException("--model " + spec + ": not a preset, a .json architecture or a .fovea model");
        }
        if (!front.isEmpty()) {
            if (!(m instanceof Sequential seq)) {
                throw new CliException(description + " is a graph, not a Sequential model: put the --normalize and --augment layers in its model.json");
            }
            List<Layer> layers = new ArrayList<>(front);
            layers.addAll(seq.layers());
            Sequential joined = new Sequential(m.name());
            layers.forEach(joined::add);
            joined.classNames(m.classNames());
            m = joined;
        }
        int head = ClassifierHead.find(m);
        int before;
        try {
            before = ClassifierHead.resize(m, classes);
        } catch (dev.fovea.FoveaException e) {
            throw new CliException(description + ": " + e.getMessage());
        }
        m.seed(seed).build(input);
        if (declared != null && !declared.equals(input)) adapted.add("input " + input + " (the architecture says " + declared + ")");
        if (before != classes) {
            adapted.add("classifier head " + m.nodes().get(head).layer().name() + " with " + classes + " units for "
                    + classes + " classes (the architecture has " + before + ")");
        }
        return new Resolved(m, false, description, Map.of());
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
