package dev.fovea.keras.imp;

import dev.fovea.FoveaException;
import dev.fovea.json.Json;
import dev.fovea.json.JsonObject;
import dev.fovea.keras.KerasModel;
import dev.fovea.keras.imp.ModelSpec.LayerSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A Keras 3 model ({@code model.save("m.keras")}): a zip, or the same files unzipped in a folder,
 * holding {@code config.json} (the serialized model: {@code module}, {@code class_name},
 * {@code config}, {@code registered_name}, {@code build_config}), {@code metadata.json}
 * ({@code keras_version}) and {@code model.weights.h5}. In the weights file each layer's variables
 * are datasets {@code 0}, {@code 1}, ... in group {@code layers/<key>/vars}, where the key is not
 * the layer's name but its class name in snake case, numbered in the order of the model's layers
 * (conv2d, conv2d_1, dense, ...). Keras 2.13-2.15 wrote {@code _layer_checkpoint_dependencies}
 * in place of {@code layers}.
 */
public final class Keras3Archive {
    static final long MAX_JSON_BYTES = 64L << 20;

    private Keras3Archive() {}

    public static KerasModel load(Path path, KerasImporter.InputShape inputShape, long budget) {
        String where = path.toString();
        if (Files.isDirectory(path)) {
            byte[] config = readFile(path.resolve("config.json"), MAX_JSON_BYTES, where);
            byte[] metadata = Files.isRegularFile(path.resolve("metadata.json")) ? readFile(path.resolve("metadata.json"), MAX_JSON_BYTES, where) : null;
            Path weights = path.resolve("model.weights.h5");
            if (!Files.isRegularFile(weights)) throw new FoveaException(where + ": no model.weights.h5 in the folder");
            try (H5 h5 = H5.open(weights, where + "/model.weights.h5", budget)) {
                return build(config, metadata, h5, inputShape, where);
            }
        }
        try (ZipFile zip = new ZipFile(path.toFile())) {
            byte[] config = entry(zip, "config.json", MAX_JSON_BYTES, where, true);
            byte[] metadata = entry(zip, "metadata.json", MAX_JSON_BYTES, where, false);
            byte[] weights = entry(zip, "model.weights.h5", budget, where, true);
            // The archive's bytes stay in memory while the weights are read: they count against the same budget.
            try (H5 h5 = H5.fromBytes(weights, where + "!model.weights.h5", budget - weights.length)) {
                return build(config, metadata, h5, inputShape, where);
            }
        } catch (IOException e) {
            throw new FoveaException(where + ": not a readable .keras archive (" + e.getMessage() + ")");
        }
    }

    private static KerasModel build(byte[] configBytes, byte[] metadataBytes, H5 h5, KerasImporter.InputShape inputShape, String where) {
        JsonObject root = JsonObject.of(Json.parse(configBytes, where + ": config.json"), where + ": config.json");
        String version = "unknown";
        if (metadataBytes != null) {
            JsonObject meta = JsonObject.of(Json.parse(metadataBytes, where + ": metadata.json"), where + ": metadata.json");
            version = meta.optionalString("keras_version", version);
        }
        ModelSpec spec = ModelSpec.parse(root);
        String top = !h5.has("layers") && h5.has("_layer_checkpoint_dependencies") ? "_layer_checkpoint_dependencies" : "layers";
        KerasDialect dialect = new KerasDialect(version, "unknown");
        return KerasImporter.build(spec, new Paths(h5, weightPaths(spec, top), top), dialect, inputShape, where, "keras3");
    }

    /** Each layer's variables at its path; a nested model's layers under that model's path. */
    private record Paths(H5 h5, Map<LayerSpec, String> paths, String top) implements WeightSource {
        @Override public List<KerasWeight> of(LayerSpec layer) {
            return weights(h5, paths.get(layer));
        }

        @Override public WeightSource nested(LayerSpec model, ModelSpec inner) {
            return new Paths(h5, weightPaths(inner, paths.get(model) + "/" + top), top);
        }
    }

    /** Each layer's group in the weights file: PREFIX/<snake_case class>[_k], numbered in layer order. */
    static Map<LayerSpec, String> weightPaths(ModelSpec spec, String top) {
        Map<String, Integer> used = new HashMap<>();
        Map<LayerSpec, String> paths = new IdentityHashMap<>();
        for (LayerSpec l : spec.layers()) {
            if (spec.sequential() && l.className().equals("InputLayer")) continue;   // Sequential.layers leaves it out
            String key = snakeCase(l.className());
            Integer k = used.get(key);
            used.put(key, k == null ? 0 : k + 1);
            paths.put(l, top + "/" + (k == null ? key : key + "_" + (k + 1)));
        }
        return paths;
    }

    /** Keras's to_snake_case: Conv2D -> conv2d, BatchNormalization -> batch_normalization, PReLU -> p_re_lu. */
    static String snakeCase(String name) {
        String s = name.replaceAll("\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        s = s.replaceAll("([a-z])([A-Z])", "$1_$2");
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    /** The variables under path/vars, in index order (0, 1, ...). */
    static List<KerasWeight> weights(H5 h5, String path) {
        if (path == null || !h5.has(path + "/vars")) return List.of();
        List<String> names = h5.children(path + "/vars");
        List<KerasWeight> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = Integer.toString(i);
            if (!names.contains(name)) {
                throw new FoveaException(h5.where() + ": group " + path + "/vars holds " + names + "; expected variables 0 to " + (names.size() - 1));
            }
            out.add(h5.floats(path + "/vars/" + name, name));
        }
        return out;
    }

    private static byte[] entry(ZipFile zip, String name, long cap, String where, boolean required) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            if (required) throw new FoveaException(where + ": no " + name + " in the archive (a .keras file holds config.json, metadata.json and model.weights.h5)");
            return null;
        }
        long size = e.getSize();
        if (size > cap || size > Integer.MAX_VALUE - 16) {
            throw new FoveaException(where + ": " + name + " is " + size + " bytes, more than allowed (" + cap + "; raise -Xmx for large weights)");
        }
        try (InputStream in = zip.getInputStream(e)) {
            return readBounded(in, size < 0 ? cap : size, where + "!" + name);
        }
    }

    private static byte[] readFile(Path p, long cap, String where) {
        try {
            long size = Files.size(p);
            if (size > cap) throw new FoveaException(where + ": " + p.getFileName() + " is " + size + " bytes, more than allowed (" + cap + ")");
            try (InputStream in = Files.newInputStream(p)) {
                return readBounded(in, size, where + "/" + p.getFileName());
            }
        } catch (IOException e) {
            throw new FoveaException(where + ": cannot read " + p.getFileName() + " (" + e.getMessage() + ")");
        }
    }

    /** Reads at most limit bytes; one more means the declared size was a lie. */
    private static byte[] readBounded(InputStream in, long limit, String where) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 16));
        if (in.read() != -1) throw new FoveaException(where + " holds more bytes than it declares");
        return b;
    }
}
