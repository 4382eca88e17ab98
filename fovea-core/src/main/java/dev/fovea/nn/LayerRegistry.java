package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.ops.Padding;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Creates layers from their class name and config (the inverse of {@link Layer#className()} and
 * {@link Layer#config()}), as model.json stores them. Keras aliases (MaxPool2D, AvgPool2D) are accepted.
 */
public final class LayerRegistry {
    /** Every class name {@link #create} accepts. */
    public static final List<String> CLASS_NAMES = Stream.concat(Stream.of(
            "Conv2D", "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D", "Flatten", "Dense", "Dropout", "Activation", "Add",
            "Rescaling", "Normalization", "RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom", "RandomErasing"),
            GraphLayers.CLASS_NAMES.stream()).toList();

    private static final Set<String> CONV_KEYS = Set.of("filters", "kernel_size", "strides", "padding", "activation", "use_bias");
    private static final Set<String> POOL_KEYS = Set.of("pool_size", "strides", "padding");
    private static final Set<String> DENSE_KEYS = Set.of("units", "activation", "use_bias");

    private LayerRegistry() {}

    /** where: context for errors, e.g. "model.json: layers[3]". */
    public static Layer create(String className, Map<String, Object> config, String where) {
        String at = where + " (" + className + ")";
        return switch (className) {
            case "Conv2D" -> {
                var r = new LayerConfigReader(config, at, CONV_KEYS);
                int[] k = r.pair("kernel_size", null);
                int[] s = r.pair("strides", new int[] {1, 1});
                yield new Conv2D(new Conv2D.Config(r.positiveInt("filters", null), k[0], k[1], s[0], s[1],
                        Padding.parse(r.string("padding", "valid"), at), Activation.parse(r.string("activation", "linear"), at),
                        r.bool("use_bias", true)));
            }
            case "MaxPooling2D", "MaxPool2D" -> new MaxPool2D(poolConfig(config, at));
            case "AveragePooling2D", "AvgPool2D" -> new AveragePooling2D(poolConfig(config, at));
            case "Flatten" -> {
                new LayerConfigReader(config, at, Set.of());
                yield new Flatten();
            }
            case "Dense" -> {
                var r = new LayerConfigReader(config, at, DENSE_KEYS);
                yield new Dense(new Dense.Config(r.positiveInt("units", null), Activation.parse(r.string("activation", "linear"), at),
                        r.bool("use_bias", true)));
            }
            case "Dropout" -> new Dropout(new LayerConfigReader(config, at, Set.of("rate")).number("rate", null));
            case "Activation" -> new ActivationLayer(Activation.parse(
                    new LayerConfigReader(config, at, Set.of("activation")).string("activation", null), at));
            case "Add" -> {
                new LayerConfigReader(config, at, Set.of());
                yield new Add();
            }
            case "Rescaling" -> Rescaling.fromConfig(config, at);
            case "Normalization" -> Normalization.fromConfig(config, at);
            case "RandomFlip" -> RandomFlip.fromConfig(config, at);
            case "RandomTranslation" -> RandomTranslation.fromConfig(config, at);
            case "RandomRotation" -> RandomRotation.fromConfig(config, at);
            case "RandomZoom" -> RandomZoom.fromConfig(config, at);
            case "RandomErasing" -> RandomErasing.fromConfig(config, at);
            // The layers of general graphs (imported ONNX models) live in GraphLayers.
            case String name when GraphLayers.handles(name) -> GraphLayers.create(name, config, where);
            default -> throw new FoveaException(where + ": unknown layer type \"" + className + "\"; accepted: "
                    + String.join(", ", CLASS_NAMES));
        };
    }

    private static Pooling2D.Config poolConfig(Map<String, Object> config, String at) {
        var r = new LayerConfigReader(config, at, POOL_KEYS);
        int[] p = r.pair("pool_size", new int[] {2, 2});
        int[] s = r.pair("strides", p);
        return new Pooling2D.Config(p[0], p[1], s[0], s[1], Padding.parse(r.string("padding", "valid"), at));
    }
}
