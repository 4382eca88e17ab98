package dev.fovea.cli;

import dev.fovea.io.Json;
import dev.fovea.io.ModelFile;
import dev.fovea.model.Model;
import dev.fovea.onnx.Onnx;
import dev.fovea.onnx.OnnxModel;
import dev.fovea.onnx.OnnxOptions;
import dev.fovea.onnx.check.Conformance;
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

/** {@code fovea onnx}: ONNX conformance checks, export and import. */
@Command(name = "onnx", mixinStandardHelpOptions = true,
        description = {"ONNX interchange: run ONNX conformance tests, export Fovea models, import ONNX models.",
                "predict, summary and evaluate also accept .onnx files directly."},
        subcommands = {OnnxCommand.Check.class, OnnxCommand.Export.class, OnnxCommand.Import.class, CommandLine.HelpCommand.class})
final class OnnxCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (check, export, import)");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Run ONNX backend tests through Fovea's importer: test folders (model.onnx with test_data_set_*/input_N.pb",
                    "and output_N.pb), light models (light_X.onnx beside light_X_output_0.pb) or folders holding many tests.",
                    "One line per test; passes when |actual - expected| <= 1e-7 + 1e-3 |expected| everywhere.",
                    "Exits 1 if any test fails."})
    static final class Check implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "PATH", description = "Test folders, light_X.onnx files, or folders of them.")
        List<Path> paths;

        @Mixin CommonOptions common;

        @Override public Integer call() {
            common.apply();
            List<Object> json = new ArrayList<>();
            int[] counts = new int[2];
            List<Conformance.Result> results = Conformance.run(paths, r -> {
                counts[r.passed() ? 0 : 1]++;
                if (common.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("test", r.name());
                    m.put("passed", r.passed());
                    m.put("max_abs_error", Double.isNaN(r.maxAbs()) ? null : r.maxAbs());
                    m.put("max_rel_error", Double.isNaN(r.maxRel()) ? null : r.maxRel());
                    if (!r.message().isEmpty()) m.put("note", r.message());
                    json.add(m);
                } else {
                    common.out().printf(Locale.ROOT, "%s %-48s max abs %.3e  max rel %.3e%s%n", r.passed() ? "PASS" : "FAIL", r.name(),
                            r.maxAbs(), r.maxRel(), r.passed() ? "" : "  " + r.message());
                }
            });
            if (common.json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("passed", counts[0]);
                out.put("failed", counts[1]);
                out.put("tests", json);
                common.out().println(Json.writePretty(out));
            } else {
                common.out().printf(Locale.ROOT, "%d passed, %d failed%n", counts[0], counts[1]);
            }
            return counts[1] == 0 && !results.isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write a Fovea model as ONNX (opset 13). An image model's ONNX input is NCHW (N, C, H, W);",
                    "the batch axis is free. Every Fovea layer exports."})
    static final class Export implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "A trained .fovea model (or a preset / model.json architecture, exported untrained).")
        String model;

        @Parameters(index = "1", paramLabel = "OUT.onnx", description = "The ONNX file to write (replaced atomically).")
        Path out;

        @Mixin CommonOptions common;

        @Override public Integer call() {
            common.apply();
            if (!out.toString().endsWith(".onnx")) throw new CliException(out + ": the output file name must end in .onnx");
            var r = ModelSource.resolve(model, null);
            Onnx.export(r.model(), out);
            report(common, "exported", r.model(), out);
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Import an ONNX model into a Fovea model file (.fovea), to train, evaluate or serve as any other."})
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "IN.onnx", description = "The ONNX model.")
        Path in;

        @Parameters(index = "1", paramLabel = "OUT.fovea", description = "The Fovea model file to write.")
        Path out;

        @Option(names = "--input-shape", paramLabel = "H,W,C", description = "Image input size, when the ONNX file leaves it open.")
        String inputShape;

        @Option(names = "--allow-external-data", description = "Read tensors kept in files beside the model (only inside its folder).")
        boolean external;

        @Mixin CommonOptions common;

        @Override public Integer call() {
            common.apply();
            if (!out.toString().endsWith(".fovea")) throw new CliException(out + ": the output file name must end in .fovea");
            OnnxOptions options = OnnxOptions.defaults().withExternalData(external);
            if (inputShape != null) {
                var s = InputShapes.parse(inputShape);
                options = options.withInputDims(1, s.dim(2), s.dim(0), s.dim(1));
            }
            OnnxModel m = Onnx.load(in, options);
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("source", "onnx");
            provenance.put("file", in.getFileName().toString());
            provenance.put("producer", m.producer());
            provenance.put("opset", m.opset());
            ModelFile.save(out, m.model(), provenance);
            report(common, "imported", m.model(), out);
            return 0;
        }
    }

    private static void report(CommonOptions common, String what, Model m, Path file) {
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put(what, file.toString());
            j.put("layers", m.nodes().size());
            j.put("parameters", m.parameterCount());
            j.put("input_shape", SummaryCommand.toList(m.inputShape().toArray()));
            common.out().println(Json.writePretty(j));
        } else {
            common.out().printf(Locale.ROOT, "%s %s: %d layers, %,d parameters, input %s%n", what, file, m.nodes().size(),
                    m.parameterCount(), m.inputShape());
        }
    }
}
