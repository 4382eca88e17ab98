package dev.fovea.cli;

import dev.fovea.json.Json;
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
                    "One line per test. Node tests (under a folder named node, or one-operator graphs) pass when",
                    "|actual - expected| <= 1e-7 + 1e-3 |expected| everywhere; model cases when max|a - e| <= 1e-4 max|e| + 1e-6,",
                    "or, when the case carries a float64 run (reference_N.pb), when Fovea's error against it is at most",
                    "3x the expected float32 output's own + 1e-6 max|reference|. Exits 1 if any test fails."})
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
                    m.put("rule", r.rule() == null ? null : r.rule().name().toLowerCase(Locale.ROOT));
                    m.put("error_vs_float64", Double.isNaN(r.vsFloat64()) ? null : r.vsFloat64());
                    m.put("expected_vs_float64", Double.isNaN(r.expectedVsFloat64()) ? null : r.expectedVsFloat64());
                    m.put("allowed", Double.isNaN(r.bound()) ? null : r.bound());
                    m.put("import_seconds", Double.isNaN(r.importSeconds()) ? null : r.importSeconds());
                    if (!r.message().isEmpty()) m.put("note", r.message());
                    json.add(m);
                } else {
                    common.out().printf(Locale.ROOT, "%s %-40s %s%s%n", r.passed() ? "PASS" : "FAIL", r.name(), errors(r),
                            r.passed() ? "" : "  " + r.message());
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

    /** --normalize: imagenet, MEAN,STD, or per-channel lists M1:M2:M3,S1:S2:S3. */
    static OnnxOptions.InputNormalization normalization(String spec) {
        if (spec.equalsIgnoreCase("imagenet")) return OnnxOptions.InputNormalization.IMAGENET;
        String[] parts = spec.split(",", -1);
        if (parts.length != 2) {
            throw new CliException("--normalize " + spec + ": expected imagenet, MEAN,STD or M1:M2:M3,S1:S2:S3");
        }
        try {
            return new OnnxOptions.InputNormalization(numbers(parts[0], spec), numbers(parts[1], spec));
        } catch (dev.fovea.FoveaException e) {
            throw new CliException("--normalize " + spec + ": " + e.getMessage());
        }
    }

    private static float[] numbers(String list, String spec) {
        String[] p = list.split(":", -1);
        float[] v = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            try {
                v[i] = Float.parseFloat(p[i].strip());
            } catch (NumberFormatException e) {
                throw new CliException("--normalize " + spec + ": \"" + p[i] + "\" is not a number; expected imagenet, MEAN,STD or M1:M2:M3,S1:S2:S3");
            }
        }
        return v;
    }

    /** --labels: one class name per line; blank lines at the end are ignored, blank names elsewhere refused. */
    static List<String> labels(Path file) {
        List<String> lines;
        try {
            if (java.nio.file.Files.size(file) > 16 << 20) throw new CliException(file + ": a labels file of more than 16 MB; expected one class name per line");
            lines = new ArrayList<>(java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CliException(file + ": no such labels file");
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new CliException(file + ": cannot read the labels as UTF-8 text (" + e.getMessage() + ")");
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) lines.remove(lines.size() - 1);
        for (int i = 0; i < lines.size(); i++) {
            lines.set(i, lines.get(i).strip());
            if (lines.get(i).isEmpty()) throw new CliException(file + ": line " + (i + 1) + " is blank; give one class name per line");
        }
        if (lines.isEmpty()) throw new CliException(file + ": no class names");
        return lines;
    }

    /** Both errors of a result as the rule that judged it reads them. */
    static String errors(Conformance.Result r) {
        if (r.rule() == null) return "";
        String base = String.format(Locale.ROOT, "max abs %.3e  max rel %.3e", r.maxAbs(), r.maxRel());
        return switch (r.rule()) {
            case NODE -> base + "  (node rule)";
            case MODEL_SCALE -> base + String.format(Locale.ROOT, "  allowed %.3e (model rule)  import %.2f s", r.bound(), r.importSeconds());
            case MODEL_FLOAT64 -> String.format(Locale.ROOT, "max abs %.3e  vs float64 %.3e (expected's own %.3e, allowed %.3e)  import %.2f s",
                    r.maxAbs(), r.vsFloat64(), r.expectedVsFloat64(), r.bound(), r.importSeconds());
        };
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

        @Option(names = "--normalize", paramLabel = "imagenet|MEAN,STD",
                description = {"The input normalisation the network was trained with, recorded in the model as its first layer, so",
                        "predict, evaluate and serve apply it to images in [0, 1]: imagenet (torchvision's mean 0.485,0.456,0.406",
                        "and std 0.229,0.224,0.225), or MEAN,STD for all channels, or M1:M2:M3,S1:S2:S3 per channel."})
        String normalize;

        @Option(names = "--labels", paramLabel = "FILE",
                description = "Class names, one per line in class order (as many as the model has classes), saved with the model.")
        Path labels;

        @Mixin CommonOptions common;

        @Override public Integer call() {
            common.apply();
            if (!out.toString().endsWith(".fovea")) throw new CliException(out + ": the output file name must end in .fovea");
            OnnxOptions options = OnnxOptions.defaults().withExternalData(external);
            if (inputShape != null) {
                var s = InputShapes.parse(inputShape);
                options = options.withInputDims(1, s.dim(2), s.dim(0), s.dim(1));
            }
            if (normalize != null) options = options.withNormalization(normalization(normalize));
            List<String> names = labels == null ? null : labels(labels);
            OnnxModel m = Onnx.load(in, options);
            if (names != null) {
                var out = m.model().outputShape();
                if (out.rank() != 1 || out.dim(0) != names.size()) {
                    throw new CliException(labels + ": " + names.size() + " class names for a model whose output is " + out
                            + " per example; give one name per class, one per line");
                }
                m.model().classNames(names);
            }
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("source", "onnx");
            provenance.put("file", in.getFileName().toString());
            provenance.put("producer", m.producer());
            provenance.put("opset", m.opset());
            if (normalize != null) provenance.put("input_normalization", normalize);
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
