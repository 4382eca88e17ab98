package dev.fovea.cli;

import dev.fovea.data.DataOptions;
import dev.fovea.data.DataSource;
import dev.fovea.data.DataSources;
import dev.fovea.data.Dataset;
import dev.fovea.data.Streams;
import dev.fovea.json.Json;
import dev.fovea.train.ClassifierOutput;
import dev.fovea.train.InMemoryData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fovea evaluate}: loss and accuracy of a trained model on a test set. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a trained .fovea model (or an .onnx model) on the test split of a data set.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE.fovea|FILE.onnx", description = "The trained model (.fovea, or ONNX imported on the fly).")
    String model;

    @Option(names = "--data", defaultValue = DataSources.EMBEDDED, paramLabel = "SOURCE",
            description = "embedded (the Fashion-MNIST subset inside Fovea), fashion-mnist (the Debian package's full set), or a directory:"
                    + " IDX files, CIFAR-10 binary, or images in one sub-folder per class, read at the model's input size and colour mode"
                    + " (default: ${DEFAULT-VALUE}). Its test part is evaluated: test/ (or val/), else the held-out split train recorded.")
    String data;

    @Mixin DataCliOptions dataOptions;

    @Mixin CommonOptions common;

    @Mixin ReportOptions reportOptions;

    @Override public Integer call() {
        common.apply();
        var r = ModelSource.trained(model);
        DataOptions options = ModelInput.fit(dataOptions.options(ModelInput.seed(r.provenance()), common.err()),
                r.model(), r.provenance(), dataOptions);
        DataSource source = DataCliOptions.resolve(data, options);
        Dataset test;
        try (Streams streams = DataSources.open(source, options)) {
            InMemoryData t = streams.testInMemory();
            test = new Dataset(t.images(), t.labels(), streams.classNames());
        }
        List<String> names = r.model().classNames();
        if (!names.isEmpty() && !names.equals(test.classNames())) {
            common.err().println("fovea: warning: the data's classes " + test.classNames() + " are not the model's " + names
                    + "; labels are compared by index");
        }
        if (!test.imageShape().equals(r.model().inputShape())) {
            throw new CliException(model + " takes input " + r.model().inputShape() + " but " + source.description()
                    + " has images " + test.imageShape());
        }
        ClassifierOutput output = r.model().output();   // decides the loss: from logits unless probabilities
        long start = System.nanoTime();
        Map<String, Double> m = r.model().evaluate(test.images(), test.labels());
        double secs = (System.nanoTime() - start) / 1e9;
        // ---- report hook (fovea-viz): curves from the file's recorded history, confusion matrix, per-class scores ----
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("model", model);
        facts.put("data", source.description() + ", test split");
        facts.put("test_loss", m.get("loss"));
        facts.put("test_accuracy", m.get("accuracy"));
        facts.put("model_output", output.description());
        Path page = reportOptions.write(reportOptions.resolve(Path.of(model), "evaluate"),
                "Evaluation report: " + Path.of(model).getFileName(), r.model(), test,
                ReportOptions.history(r.provenance()), List.of(), facts, common);
        if (common.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model);
            out.put("data", source.description());
            out.put("examples", test.size());
            out.put("test_loss", m.get("loss"));
            out.put("test_accuracy", m.get("accuracy"));
            out.put("output", output.description());
            out.put("softmax_applied", output.appliesSoftmax());
            out.put("seconds", secs);
            if (page != null) out.put("report", page.toString());
            common.out().println(Json.writePretty(out));
        } else {
            common.out().println("model output: " + output.description());
            common.out().printf(Locale.ROOT, "test accuracy %.4f, test loss %.4f on %,d images of %s (%.1f s)%n",
                    m.get("accuracy"), m.get("loss"), test.size(), source.description(), secs);
        }
        return 0;
    }
}
