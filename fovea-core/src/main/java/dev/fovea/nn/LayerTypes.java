package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of layer types: every class name model.json may hold, once, with the reader that
 * builds the layer from its config (each layer's static {@code fromConfig}, next to its
 * {@code config()}). Adding a layer type is one line here plus the layer's own file.
 *
 * <p>Aliases are other names of the same type: Keras's short names (MaxPool2D) and the names files
 * written by earlier versions used (PaddedConv2D, PaddedMaxPooling2D, PaddedAveragePooling2D,
 * from before padding, dilation and groups joined Conv2D and the pooling family).
 */
public final class LayerTypes {
    /** Builds a layer from its config; errors name the member and what is accepted. */
    @FunctionalInterface
    public interface Reader {
        Layer read(JsonObject config);
    }

    /** One layer type: the class name layers of it write, other names it reads, and its reader. */
    public record Type(String className, List<String> aliases, Reader reader) {
        /** The class name, then the aliases. */
        public List<String> names() {
            List<String> n = new ArrayList<>(aliases.size() + 1);
            n.add(className);
            n.addAll(aliases);
            return n;
        }
    }

    private static final List<Type> TYPES = new ArrayList<>();
    private static final Map<String, Type> BY_NAME = new LinkedHashMap<>();

    static {
        // The course-notes set and Keras's preprocessing and augmentation layers.
        add("Conv2D", Conv2D::fromConfig, "PaddedConv2D");
        add("MaxPooling2D", MaxPool2D::fromConfig, "MaxPool2D", "PaddedMaxPooling2D");
        add("AveragePooling2D", AveragePooling2D::fromConfig, "AvgPool2D", "PaddedAveragePooling2D");
        add("Flatten", Flatten::fromConfig);
        add("Dense", Dense::fromConfig);
        add("Dropout", Dropout::fromConfig);
        add("Activation", ActivationLayer::fromConfig);
        add("Add", Add::fromConfig);
        add("BatchNormalization", BatchNormalization::fromConfig);
        add("Rescaling", Rescaling::fromConfig);
        add("Normalization", Normalization::fromConfig);
        add("RandomFlip", RandomFlip::fromConfig);
        add("RandomTranslation", RandomTranslation::fromConfig);
        add("RandomRotation", RandomRotation::fromConfig);
        add("RandomZoom", RandomZoom::fromConfig);
        add("RandomErasing", RandomErasing::fromConfig);
        // What general graphs (imported ONNX models, residual and Inception-style nets) need.
        add("GlobalAveragePooling2D", GlobalPooling2D::averageFromConfig);
        add("GlobalMaxPooling2D", GlobalPooling2D::maxFromConfig);
        add("LocalResponseNormalization", LocalResponseNormalization::fromConfig);
        add("Elementwise", Elementwise::fromConfig);
        add("MatMul", MatMul::fromConfig);
        add("LeakyReLU", PiecewiseActivation::leakyReluFromConfig);
        add("ELU", PiecewiseActivation::eluFromConfig);
        add("Clip", PiecewiseActivation::clipFromConfig);
        add("PReLU", PReLU::fromConfig);
        add("Softmax", AxisSoftmax::softmaxFromConfig);
        add("LogSoftmax", AxisSoftmax::logSoftmaxFromConfig);
        add("Concatenate", Concatenate::fromConfig);
        add("Pad", Pad::fromConfig);
        add("ZeroPadding2D", ZeroPadding2D::fromConfig);
        add("Cropping2D", Cropping2D::fromConfig);
        add("Permute", Permute::fromConfig);
        add("Reshape", Reshape::fromConfig);
        add("Constant", ConstantLayer::fromConfig);
    }

    private LayerTypes() {}

    private static void add(String className, Reader reader, String... aliases) {
        Type t = new Type(className, List.of(aliases), reader);
        TYPES.add(t);
        for (String name : t.names()) {
            if (BY_NAME.put(name, t) != null) throw new IllegalStateException("layer type " + name + " is listed twice");
        }
    }

    /** Every layer type, in table order. */
    public static List<Type> all() { return Collections.unmodifiableList(TYPES); }

    /** Every name {@link #create} accepts: class names and aliases. */
    public static List<String> names() { return List.copyOf(BY_NAME.keySet()); }

    /**
     * The layer of type {@code className} configured by {@code config}. Errors name where the
     * config sits (the reader's {@code where} and path) and what is accepted.
     */
    public static Layer create(String className, JsonObject config) {
        Type t = BY_NAME.get(className);
        if (t == null) {
            throw config.error("unknown layer type \"" + className + "\"; accepted: " + String.join(", ", names()));
        }
        try {
            return t.reader().read(config);
        } catch (FoveaException e) {
            // Readers' own errors already say where; a constructor's ("Conv2D: filters must be >= 1") gains it here.
            String at = config.where() + ": ";
            if (e.getMessage() != null && e.getMessage().startsWith(at)) throw e;
            throw config.error(e.getMessage());
        }
    }

    /** The same for a config given as a parsed map; {@code where} names it in errors, e.g. "model.json: layers[2].config". */
    public static Layer create(String className, Map<String, Object> config, String where) {
        return create(className, new JsonObject(config, where));
    }
}
