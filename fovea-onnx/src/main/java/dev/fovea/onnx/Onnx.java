package dev.fovea.onnx;

import dev.fovea.model.Model;
import dev.fovea.onnx.exp.OnnxExporter;
import dev.fovea.onnx.imp.OnnxImporter;

import java.nio.file.Path;
import java.util.List;

/**
 * ONNX interchange for Fovea models.
 * <pre>{@code
 * Model m = Onnx.importModel(Path.of("resnet50.onnx"));   // a core graph: predict, summary, fit...
 * Onnx.export(m, Path.of("out.onnx"));                    // opset 13, NCHW image input
 * }</pre>
 */
public final class Onnx {
    private Onnx() {}

    /** Imports with default options: the model's own input shape, no external data. */
    public static OnnxModel load(Path file) {
        return load(file, OnnxOptions.defaults());
    }

    public static OnnxModel load(Path file, OnnxOptions options) {
        OnnxModel m = OnnxImporter.load(file, options);
        return m;
    }

    /** The imported model as a Fovea model (input (H, W, C) for an NCHW image input). */
    public static Model importModel(Path file) {
        return load(file).model();
    }

    /** Writes a built model as an ONNX file (atomically). */
    public static void export(Model model, Path file) {
        OnnxExporter.write(model, file);
    }

    /** The ONNX operators the importer accepts. */
    public static List<String> supportedOperators() {
        return OnnxImporter.supportedOps();
    }
}
