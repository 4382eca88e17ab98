package dev.fovea.keras.imp;

import dev.fovea.FoveaException;
import dev.fovea.json.Json;
import dev.fovea.json.JsonObject;
import dev.fovea.keras.KerasModel;
import dev.fovea.keras.imp.ModelSpec.LayerSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Keras 2 / tf.keras HDF5 model file ({@code model.save("m.h5")}): root attributes
 * {@code keras_version}, {@code backend} and {@code model_config} (JSON), and the group
 * {@code model_weights} with one group per layer whose {@code weight_names} attribute lists its
 * datasets, e.g. {@code model_weights/conv2d_1/conv2d_1/kernel:0}, in Keras's weight order.
 */
public final class Keras2File {
    private Keras2File() {}

    public static KerasModel load(Path file, KerasImporter.InputShape inputShape, long budget) {
        String where = file.toString();
        try (H5 h5 = H5.open(file, where, budget)) {
            String version = h5.string("/", "keras_version");
            if (version != null && version.startsWith("1.")) {
                throw new FoveaException(where + ": a Keras " + version + " file; Fovea imports Keras 2 and 3 models (load and save it with Keras 2 first)");
            }
            String config = h5.string("/", "model_config");
            if (config == null) {
                String hint = h5.strings("/", "layer_names") != null ? " (this is a weights-only file, written by save_weights)" : "";
                throw new FoveaException(where + ": no model_config attribute" + hint + "; Fovea needs a whole model saved with model.save");
            }
            JsonObject root = Json.parseObject(config, where + ": model_config");
            ModelSpec spec = ModelSpec.parse(root);
            checkNotKeras1(spec, where);
            String backend = h5.string("/", "backend");
            KerasDialect dialect = new KerasDialect(version == null ? "unknown" : version, backend == null ? "unknown" : backend);
            String weightsRoot = h5.has("model_weights") ? "model_weights" : "/";
            return KerasImporter.build(spec, new Groups(h5, weightsRoot), dialect, inputShape, where, "keras2-h5");
        }
    }

    /** Each layer's weights in its own group, listed by weight_names. */
    private record Groups(H5 h5, String root) implements WeightSource {
        @Override public List<KerasWeight> of(LayerSpec layer) {
            return weights(h5, root, layer);
        }

        /**
         * A nested model keeps all its layers' weights in its one group, named after the inner
         * layer ("block1_conv1/kernel:0"): they are told apart by that name, in file order.
         */
        @Override public WeightSource nested(LayerSpec model, ModelSpec inner) {
            Map<String, List<KerasWeight>> byLayer = new HashMap<>();
            for (KerasWeight w : weights(h5, root, model)) byLayer.computeIfAbsent(layerOf(w.name()), k -> new ArrayList<>()).add(w);
            return new ByName(byLayer);
        }
    }

    private record ByName(Map<String, List<KerasWeight>> byLayer) implements WeightSource {
        @Override public List<KerasWeight> of(LayerSpec layer) {
            return byLayer.getOrDefault(layer.name(), List.of());
        }

        @Override public WeightSource nested(LayerSpec model, ModelSpec inner) {
            return this;   // deeper models' weights are in the same group, still named after their own layers
        }
    }

    /** "block1_conv1/kernel:0" -> "block1_conv1"; "model/block1_conv1/kernel:0" -> "block1_conv1". */
    static String layerOf(String weightName) {
        String[] parts = weightName.split("/");
        return parts.length >= 2 ? parts[parts.length - 2] : weightName;
    }

    /** The weights of one layer, in the order its weight_names attribute lists them. */
    static List<KerasWeight> weights(H5 h5, String root, LayerSpec layer) {
        String group = (root.equals("/") ? "" : root + "/") + layer.name();
        if (!h5.has(group)) return List.of();   // a layer without weights may have no group at all
        List<String> names = h5.strings(group, "weight_names");
        if (names == null) return List.of();
        List<KerasWeight> out = new ArrayList<>(names.size());
        for (String n : names) out.add(h5.floats(group + "/" + n, n));
        return out;
    }

    /** Keras 1 configs name settings differently (Convolution2D's nb_filter and nb_row, border_mode for padding). */
    private static void checkNotKeras1(ModelSpec spec, String where) {
        for (LayerSpec l : spec.layers()) {
            if (l.config().has("nb_filter") || l.config().has("border_mode") || l.config().has("nb_row")) {
                throw new FoveaException(where + ": layer \"" + l.name() + "\" has a Keras 1 config (nb_filter / border_mode); "
                        + "Fovea imports Keras 2 and 3 models");
            }
        }
    }
}
