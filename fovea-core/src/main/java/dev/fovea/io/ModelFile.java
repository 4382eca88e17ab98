package dev.fovea.io;

import dev.fovea.FoveaException;
import dev.fovea.model.Model;
import dev.fovea.nn.Graph;
import dev.fovea.nn.Parameter;
import dev.fovea.tensor.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The .fovea model file: a zip of model.json ({@link ModelJson}) and weights.safetensors, one
 * tensor per parameter named "layer/kernel". Saving is atomic; loading is strict: every parameter
 * must be present with its exact shape and nothing else may be.
 */
public final class ModelFile {
    /** Largest architecture-only JSON file accepted by {@link #readArchitecture}. */
    private static final long MAX_JSON_BYTES = 16L << 20;

    /** A loaded model and the provenance recorded when it was saved. */
    public record Saved(Model model, Map<String, Object> provenance) {}

    private ModelFile() {}

    /** Saves architecture, class names, preprocessing and weights, with no provenance. */
    public static void save(Path file, Graph model) {
        save(file, model, Map.of());
    }

    public static void save(Path file, Graph model, Map<String, Object> provenance) {
        ModelArchive.write(file, contents(model, provenance));
    }

    /** model.json and weights.safetensors of a model, ready to write (checkpoints add entries). */
    static ArchiveContents contents(Graph model, Map<String, Object> provenance) {
        if (!model.isBuilt()) throw new FoveaException("cannot save model " + model.name() + ": it is not built");
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) weights.put(p.name(), p.value());
        return ArchiveContents.of(ModelJson.write(model, provenance), weights);
    }

    public static Saved load(Path file) {
        return loadChecked(file).saved();
    }

    /** A model file read with every tensor checked against its architecture, and the model made from it. */
    record Loaded(ArchiveContents contents, Saved saved) {}

    /**
     * Reads {@code file} (a model file or a checkpoint): model.json first, then each tensor entry,
     * whose header must declare exactly the architecture's parameters before its data is read.
     */
    static Loaded loadChecked(Path file) {
        String where = file + ": model.json";
        TensorPlan[] plan = new TensorPlan[1];
        ArchiveContents contents = ModelArchive.read(file, json -> plan[0] = TensorPlan.of(ModelJson.read(json, where), where));
        return new Loaded(contents, fromContents(contents, file, plan[0].parsed()));
    }

    /** The model of an archive already read, whose model.json is {@code parsed}. */
    private static Saved fromContents(ArchiveContents contents, Path file, ModelJson.Parsed parsed) {
        String where = file + ": model.json";
        Model model = parsed.model();
        if (!model.isBuilt()) throw new FoveaException(where + ": architecture.input_shape is required in a trained model");
        int outputs = model.outputShape().size();
        if (!model.classNames().isEmpty() && model.classNames().size() != outputs) {
            throw new FoveaException(where + ": class_names lists " + model.classNames().size() + " names but the model has "
                    + outputs + " outputs " + model.outputShape() + "; give one name per output");
        }
        Map<String, Tensor> weights = contents.weights();
        Set<String> used = new HashSet<>();
        for (Parameter p : model.parameters()) {
            Tensor t = weights.get(p.name());
            if (t == null) throw new FoveaException(file + ": weights.safetensors has no tensor \"" + p.name() + "\" " + p.value().shape());
            if (!t.shape().equals(p.value().shape())) {
                throw new FoveaException(file + ": weights.safetensors tensor \"" + p.name() + "\" has shape " + t.shape()
                        + " but the architecture needs " + p.value().shape());
            }
            requireFinite(t, file + ": weights.safetensors tensor \"" + p.name() + "\"");
            p.value().copyFrom(t);
            p.markChanged();
            used.add(p.name());
        }
        for (String name : weights.keySet()) {
            if (!used.contains(name)) throw new FoveaException(file + ": weights.safetensors holds \"" + name + "\", which no layer of the architecture has");
        }
        return new Saved(model, parsed.provenance());
    }

    /**
     * Refuses a tensor holding NaN or an infinity: such weights make every prediction NaN, which
     * a classifier then ranks as if it meant something. {@code what} names the tensor.
     */
    public static void requireFinite(Tensor t, String what) {
        float[] v = t.data();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new FoveaException(what + " holds " + v[i] + " at flat index " + i + " of " + t.shape()
                        + "; weights must be finite numbers (the model was saved after training diverged, or the file is damaged)");
            }
        }
    }

    /** An architecture in the model.json format (no weights); built if it gives an input shape. */
    public static Model readArchitecture(Path jsonFile) {
        return ModelJson.read(readJson(jsonFile), jsonFile.toString()).model();
    }

    /**
     * An architecture in the model.json format, not built, and the input shape it declares (null
     * when none), so that its input and classifier head can be fitted to the data first.
     */
    public static ModelJson.Architecture readUnbuiltArchitecture(Path jsonFile) {
        return ModelJson.readArchitecture(readJson(jsonFile), jsonFile.toString());
    }

    private static String readJson(Path jsonFile) {
        InputFiles.requireRegular(jsonFile);
        try {
            long size = Files.size(jsonFile);
            if (size > MAX_JSON_BYTES) throw new FoveaException(jsonFile + ": " + size + " bytes is too large for a model.json (at most " + MAX_JSON_BYTES + ")");
            return Files.readString(jsonFile, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new FoveaException(jsonFile + ": not UTF-8 text");
        } catch (IOException e) {
            throw new FoveaException(jsonFile + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
