package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layers general graphs need beyond the course-notes set (imported ONNX models, residual and
 * Inception-style nets): created from their class name and config for {@link LayerRegistry}.
 */
final class GraphLayers {
    static final List<String> CLASS_NAMES = List.of(
            "PaddedConv2D", "PaddedMaxPooling2D", "PaddedAveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
            "BatchNormalization", "LocalResponseNormalization", "Elementwise", "MatMul", "LeakyReLU", "ELU", "Clip", "PReLU",
            "Softmax", "LogSoftmax", "Concatenate", "Pad", "ZeroPadding2D", "Permute", "Reshape", "Constant",
            "UnaryMath", "Reduce", "LayerNormalization", "Resize2D");

    private GraphLayers() {}

    static boolean handles(String className) {
        return CLASS_NAMES.contains(className);
    }

    static Layer create(String className, Map<String, Object> c, String where) {
        String at = where + " (" + className + ")";
        return switch (className) {
            case "PaddedConv2D" -> {
                var r = new LayerConfigReader(c, at, Set.of("filters", "kernel_size", "strides", "dilation_rate", "groups", "padding", "activation", "use_bias"));
                int[] k = r.pair("kernel_size", null), s = r.pair("strides", new int[] {1, 1}), d = r.pair("dilation_rate", new int[] {1, 1});
                yield new PaddedConv2D(new PaddedConv2D.Config(r.positiveInt("filters", null), k[0], k[1], s[0], s[1], d[0], d[1],
                        r.positiveInt("groups", 1), padding(c, at), Activation.parse(r.string("activation", "linear"), at), r.bool("use_bias", true)));
            }
            case "PaddedMaxPooling2D", "PaddedAveragePooling2D" -> {
                boolean max = className.equals("PaddedMaxPooling2D");
                Set<String> keys = max ? Set.of("pool_size", "strides", "dilation_rate", "padding", "ceil_mode")
                        : Set.of("pool_size", "strides", "dilation_rate", "padding", "ceil_mode", "count_include_pad");
                var r = new LayerConfigReader(c, at, keys);
                int[] p = r.pair("pool_size", null), s = r.pair("strides", p), d = r.pair("dilation_rate", new int[] {1, 1});
                yield new PaddedPooling2D(new PaddedPooling2D.Config(max, p[0], p[1], s[0], s[1], d[0], d[1], padding(c, at),
                        r.bool("ceil_mode", false), !max && r.bool("count_include_pad", false)));
            }
            case "GlobalAveragePooling2D", "GlobalMaxPooling2D" -> new GlobalPooling2D(className.equals("GlobalMaxPooling2D"),
                    new LayerConfigReader(c, at, Set.of("keepdims")).bool("keepdims", false));
            case "BatchNormalization" -> {
                var r = new LayerConfigReader(c, at, Set.of("axis", "momentum", "epsilon", "center", "scale"));
                yield new BatchNormalization(new BatchNormalization.Config(ConfigValues.integer(c.getOrDefault("axis", -1), -64, 64, at + ".axis"),
                        r.number("momentum", 0.99), r.number("epsilon", 1e-3), r.bool("center", true), r.bool("scale", true)));
            }
            case "LocalResponseNormalization" -> {
                var r = new LayerConfigReader(c, at, Set.of("size", "alpha", "beta", "bias"));
                yield new LocalResponseNormalization(r.positiveInt("size", null), r.number("alpha", 1e-4), r.number("beta", 0.75), r.number("bias", 1.0));
            }
            case "Elementwise" -> {
                var r = new LayerConfigReader(c, at, Set.of("operation", "constant_shape", "constant_first"));
                Elementwise.Operation op = Elementwise.Operation.parse(r.string("operation", null), at);
                yield c.containsKey("constant_shape")
                        ? new Elementwise(op, shape(c, "constant_shape", at), r.bool("constant_first", false))
                        : new Elementwise(op);
            }
            case "MatMul" -> {
                var r = new LayerConfigReader(c, at, Set.of("constant_shape", "constant_first"));
                yield c.containsKey("constant_shape") ? new MatMul(shape(c, "constant_shape", at), r.bool("constant_first", false)) : new MatMul();
            }
            case "LeakyReLU" -> PiecewiseActivation.leakyRelu(new LayerConfigReader(c, at, Set.of("negative_slope")).number("negative_slope", 0.3));
            case "ELU" -> PiecewiseActivation.elu(new LayerConfigReader(c, at, Set.of("alpha")).number("alpha", 1.0));
            case "Clip" -> {
                new LayerConfigReader(c, at, Set.of("min", "max"));
                double min = ConfigValues.optionalNumber(c, "min", Double.NaN, at), max = ConfigValues.optionalNumber(c, "max", Double.NaN, at);
                yield PiecewiseActivation.clip(Double.isNaN(min) ? Double.NEGATIVE_INFINITY : min, Double.isNaN(max) ? Double.POSITIVE_INFINITY : max);
            }
            case "PReLU" -> {
                new LayerConfigReader(c, at, Set.of("shared_axes"));
                yield new PReLU(ConfigValues.ints(c, "shared_axes", 1, 64, new int[0], at));
            }
            case "Softmax", "LogSoftmax" -> {
                new LayerConfigReader(c, at, Set.of("axis"));
                yield new AxisSoftmax(className.equals("LogSoftmax"), ConfigValues.intOrInts(c, "axis", -64, 64, new int[] {-1}, at));
            }
            case "Concatenate" -> {
                new LayerConfigReader(c, at, Set.of("axis"));
                yield new Concatenate(ConfigValues.integer(c.getOrDefault("axis", -1), -64, 64, at + ".axis"));
            }
            case "Pad" -> {
                var r = new LayerConfigReader(c, at, Set.of("paddings", "mode", "constant_value"));
                yield new Pad(ConfigValues.pairs(c, "paddings", -(1 << 20), null, at), Pad.parseMode(r.string("mode", "constant"), at),
                        r.number("constant_value", 0.0));
            }
            case "ZeroPadding2D" -> {
                new LayerConfigReader(c, at, Set.of("padding"));
                yield new ZeroPadding2D(ConfigValues.pairs(c, "padding", 0, null, at));
            }
            case "Permute" -> {
                new LayerConfigReader(c, at, Set.of("dims"));
                yield new Permute(ConfigValues.ints(c, "dims", 1, 64, null, at));
            }
            case "Reshape" -> {
                new LayerConfigReader(c, at, Set.of("target_shape"));
                yield new Reshape(ConfigValues.ints(c, "target_shape", -1, Integer.MAX_VALUE, null, at));
            }
            case "Constant" -> {
                new LayerConfigReader(c, at, Set.of("shape"));
                yield new ConstantLayer(shape(c, "shape", at));
            }
            case "UnaryMath" -> UnaryMath.fromConfig(c, at);
            case "Reduce" -> Reduce.fromConfig(c, at);
            case "LayerNormalization" -> LayerNormalization.fromConfig(c, at);
            case "Resize2D" -> Resize2D.fromConfig(c, at);
            default -> throw new FoveaException(where + ": unknown layer type \"" + className + "\"");
        };
    }

    private static int[][] padding(Map<String, Object> c, String at) {
        int[][] p = ConfigValues.pairs(c, "padding", 0, new int[][] {{0, 0}, {0, 0}}, at);
        if (p.length != 2) throw new FoveaException(at + ".padding must be [[top, bottom], [left, right]]");
        return p;
    }

    private static Shape shape(Map<String, Object> c, String key, String at) {
        return Shape.of(ConfigValues.ints(c, key, 0, Integer.MAX_VALUE, null, at));
    }
}
