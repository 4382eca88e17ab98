package dev.fovea.cli;

import dev.fovea.json.Json;
import dev.fovea.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fovea summary}: the Keras-style layer table of a model. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print a model's layers, output shapes and parameter counts (as Keras's model.summary()).")
final class SummaryCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "notes", paramLabel = "NAME|FILE",
            description = "A preset (" + ModelSource.PRESET_NAMES + "), a model.json architecture, a trained .fovea file or an .onnx model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--input-shape", paramLabel = "H,W,C", description = "Per-image input shape (default: 28,28,1, or the file's own).")
    String inputShape;

    @Option(names = "--classes", paramLabel = "N", description = "Units of a preset's or architecture's classifier head (default: as written, 10 for the presets).")
    Integer classes;

    @Mixin CommonOptions common;

    @Override public Integer call() {
        common.apply();
        Shape shape = inputShape == null ? null : InputShapes.parse(inputShape);
        var r = classes == null ? ModelSource.resolve(model, shape)
                : ModelSource.forData(model, shape != null ? shape : ModelSource.DEFAULT_INPUT, classes, 42, List.of(), new ArrayList<>());
        if (common.json) {
            List<Object> layers = new ArrayList<>();
            for (var l : r.model().layers()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", l.name());
                m.put("class_name", l.className());
                m.put("output_shape", toList(l.outputShape().toArray()));
                m.put("params", l.parameterCount());
                layers.add(m);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", r.description());
            out.put("input_shape", toList(r.model().inputShape().toArray()));
            out.put("layers", layers);
            out.put("total_params", r.model().parameterCount());
            common.out().println(Json.writePretty(out));
        } else {
            common.out().print(r.model().summary());
        }
        return 0;
    }

    static List<Integer> toList(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) l.add(v);
        return l;
    }
}
