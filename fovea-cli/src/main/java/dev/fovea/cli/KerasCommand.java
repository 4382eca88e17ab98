package dev.fovea.cli;

import dev.fovea.json.Json;
import dev.fovea.io.ModelFile;
import dev.fovea.keras.Keras;
import dev.fovea.keras.KerasModel;
import dev.fovea.keras.check.KerasConformance;
import dev.fovea.tensor.Shape;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fovea keras}: Keras model import and its conformance check. */
@Command(name = "keras", mixinStandardHelpOptions = true,
        description = {"Keras models: import Keras 2 (.h5) and Keras 3 (.keras) files, run Keras conformance cases.",
                "predict, evaluate, summary, visualize, serve, train and onnx export also accept .h5 and .keras files directly."},
        subcommands = {KerasCommand.Check.class, KerasCommand.Import.class, CommandLine.HelpCommand.class})
final class KerasCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (check, import)");
    }

    /** Whether --model names a Keras file. */
    static boolean isKerasFile(String spec) {
        return spec.endsWith(".h5") || spec.endsWith(".hdf5") || spec.endsWith(".keras");
    }

    /** A Keras model for --model; --input-shape H,W,C fills axes the model leaves free. */
    static ModelSource.Resolved resolve(Path file, String spec, Shape inputShape) {
        KerasModel m = Keras.loadChannelsLast(file, inputShape == null ? null : inputShape.toArray());
        return new ModelSource.Resolved(m.model(), true, spec, m.provenance(file.getFileName().toString()));
    }

    /**
     * A Keras model imported into a temporary .fovea file (deleted when the JVM exits), for
     * commands such as serve that load model files themselves.
     */
    static Path importedForServing(Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) throw new CliException(file + ": no such file");
        KerasModel m = Keras.load(file);
        try {
            Path tmp = java.nio.file.Files.createTempFile("fovea-keras-", ".fovea");
            tmp.toFile().deleteOnExit();
            ModelFile.save(tmp, m.model(), m.provenance(file.getFileName().toString()));
            return tmp;
        } catch (java.io.IOException e) {
            throw new CliException(file + ": cannot write the imported model to a temporary file (" + e.getMessage() + ")");
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Run Keras conformance cases: folders holding model.h5 or model.keras, input.npy, output.npy",
                    "(output_1.npy, ... for further outputs) and optionally case.json with rtol and atol, or folders of them.",
                    "One line per case; passes when |actual - expected| <= atol + rtol |expected| everywhere",
                    "(by default rtol 1e-4, atol 1e-5). Exits 1 if any case fails."})
    static final class Check implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "CASE_DIR", description = "Case folders, or folders holding them.")
        List<Path> paths;

        @Mixin CommonOptions common;

        @Override public Integer call() {
            common.apply();
            List<Object> json = new ArrayList<>();
            int[] counts = new int[2];
            List<KerasConformance.Result> results = KerasConformance.run(paths, r -> {
                counts[r.passed() ? 0 : 1]++;
                if (common.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("case", r.name());
                    m.put("passed", r.passed());
                    m.put("max_abs_error", Double.isNaN(r.maxAbs()) ? null : r.maxAbs());
                    m.put("max_rel_error", Double.isNaN(r.maxRel()) ? null : r.maxRel());
                    if (!r.message().isEmpty()) m.put("note", r.message());
                    json.add(m);
                } else {
                    common.out().printf(Locale.ROOT, "%s %-44s max abs %.3e  max rel %.3e%s%n", r.passed() ? "PASS" : "FAIL", r.name(),
                            r.maxAbs(), r.maxRel(), r.passed() ? "" : "  " + r.message());
                }
            });
            if (common.json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("passed", counts[0]);
                out.put("failed", counts[1]);
                out.put("cases", json);
                common.out().println(Json.writePretty(out));
            } else {
                common.out().printf(Locale.ROOT, "%d passed, %d failed%n", counts[0], counts[1]);
            }
            return counts[1] == 0 && !results.isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Import a Keras model (Keras 2 .h5, Keras 3 .keras or its unzipped folder) into a Fovea model file (.fovea),",
                    "to predict, evaluate, serve, export or fine-tune as any other. A channels_first model takes (H, W, C) images in Fovea."})
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "The Keras model: MODEL.h5, MODEL.keras or an unzipped .keras folder.")
        Path in;

        @Parameters(index = "1", paramLabel = "OUT.fovea", description = "The Fovea model file to write (replaced atomically).")
        Path out;

        @Option(names = "--input-shape", paramLabel = "H,W,C", description = "Image input size, when the Keras model leaves it open (None).")
        String inputShape;

        @Mixin CommonOptions common;

        @Override public Integer call() {
            common.apply();
            if (!out.toString().endsWith(".fovea")) throw new CliException(out + ": the output file name must end in .fovea");
            KerasModel m = Keras.loadChannelsLast(in, inputShape == null ? null : InputShapes.parse(inputShape).toArray());
            ModelFile.save(out, m.model(), m.provenance(in.getFileName().toString()));
            if (common.json) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("imported", out.toString());
                j.put("keras_version", m.kerasVersion());
                j.put("layers", m.model().nodes().size());
                j.put("parameters", m.model().parameterCount());
                j.put("input_shape", SummaryCommand.toList(m.model().inputShape().toArray()));
                if (m.outputs().size() > 1) j.put("note", "only the first of " + m.outputs().size() + " outputs is the Fovea model's output");
                common.out().println(Json.writePretty(j));
            } else {
                common.out().printf(Locale.ROOT, "imported %s (Keras %s, %s): %d layers, %,d parameters, input %s%s%n", out, m.kerasVersion(),
                        m.modelClass(), m.model().nodes().size(), m.model().parameterCount(), m.model().inputShape(),
                        m.outputs().size() > 1 ? "; of its " + m.outputs().size() + " outputs the first is the model's output" : "");
            }
            return 0;
        }
    }
}
