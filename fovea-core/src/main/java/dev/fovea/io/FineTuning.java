package dev.fovea.io;

import dev.fovea.FoveaException;
import dev.fovea.model.Model;
import dev.fovea.nn.ClassifierHead;
import dev.fovea.nn.Graph;
import dev.fovea.nn.Layer;
import dev.fovea.nn.Parameter;
import dev.fovea.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Transfer learning from a trained model (any .fovea, including imported ONNX and Keras models):
 * {@link #withClasses} gives it a new classifier head for another class count, keeping every other
 * weight, and {@link #freeze} freezes the layers that should keep them while the head learns
 * (frozen batch normalisation then normalises with its moving statistics, as Keras does).
 *
 * <pre>{@code
 * Model base = ModelFile.load(Path.of("notes.fovea")).model();
 * FineTuning.Result r = FineTuning.withClasses(base, 3, 42);
 * FineTuning.freeze(r.model(), "base");                      // everything but the new head
 * r.model().compile(new Adam(1e-4), "sparse_categorical_crossentropy", "accuracy");
 * }</pre>
 */
public final class FineTuning {
    /**
     * The model to fine-tune; {@code head} is the replaced head layer's name, or null when the
     * class count was already right (then {@code model} is the trained model itself).
     */
    public record Result(Model model, String head, int previousClasses) {}

    private FineTuning() {}

    /**
     * The trained model with {@code classes} outputs: when its head (final Dense) has another
     * size, the same architecture is rebuilt with a head of {@code classes} units, initialised from
     * {@code seed}, and every other parameter is copied from the trained model.
     */
    public static Result withClasses(Model trained, int classes, long seed) {
        int headNode = ClassifierHead.find(trained);
        if (headNode < 0) {
            throw new FoveaException("model " + trained.name() + " does not end in a Dense layer (its last layer is "
                    + trained.outputLayer().className() + "), so no new classifier head can replace it");
        }
        int before = trained.outputShape().dim(0);
        if (before == classes) return new Result(trained, null, before);
        Model fresh = ModelJson.readArchitecture(ModelJson.write(trained, Map.of()), "model " + trained.name()).model();
        ClassifierHead.resize(fresh, classes);
        fresh.seed(seed).build(trained.inputShape());
        Map<String, Tensor> old = new HashMap<>();
        for (Parameter p : trained.parameters()) old.put(p.name(), p.value());
        String head = fresh.nodes().get(headNode).layer().name();
        for (Parameter p : fresh.parameters()) {
            Tensor t = old.get(p.name());
            if (p.name().startsWith(head + "/")) continue;   // the new head keeps its fresh weights
            if (t == null || !t.shape().equals(p.value().shape())) {
                throw new IllegalStateException("parameter " + p.name() + " has no trained counterpart of shape " + p.value().shape());
            }
            p.value().copyFrom(t);
            p.markChanged();
        }
        return new Result(fresh, head, before);
    }

    /**
     * Freezes layers of a model before compile: "base" all but the classifier head (the final
     * Dense and what follows it), a number N the first N layers, a layer name every layer up to
     * and including it. Returns the names of the frozen layers that have parameters.
     */
    public static List<String> freeze(Graph model, String spec) {
        List<Layer> layers = model.layers();
        int count;
        if (spec.equals("base")) {
            count = ClassifierHead.find(model);
            if (count < 0) throw new FoveaException("freeze base: model " + model.name() + " has no classifier head (a final Dense layer)");
        } else if (spec.chars().allMatch(Character::isDigit) && !spec.isEmpty()) {
            count = Integer.parseInt(spec);
            if (count > layers.size()) throw new FoveaException("freeze " + spec + ": model " + model.name() + " has " + layers.size() + " layers");
        } else {
            count = -1;
            for (int i = 0; i < layers.size(); i++) if (spec.equals(layers.get(i).name())) count = i + 1;
            if (count < 0) {
                List<String> names = new ArrayList<>();
                for (Layer l : layers) names.add(l.name());
                throw new FoveaException("freeze " + spec + ": not base, a layer count or a layer of model " + model.name()
                        + " (" + String.join(", ", names) + ")");
            }
        }
        List<String> frozen = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Layer l = layers.get(i);
            l.freeze(true);
            if (!l.parameters().isEmpty()) frozen.add(l.name());
        }
        return frozen;
    }
}
