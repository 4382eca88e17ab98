package dev.fovea.cli;

import dev.fovea.data.DataSource;
import dev.fovea.data.DataSources;
import dev.fovea.data.TrainTest;
import dev.fovea.io.Json;
import dev.fovea.io.ModelFile;
import dev.fovea.nn.Model;
import dev.fovea.nn.Presets;
import dev.fovea.optim.Adam;
import dev.fovea.optim.Optimizer;
import dev.fovea.optim.SGD;
import dev.fovea.train.Callback;
import dev.fovea.train.FitOptions;
import dev.fovea.train.History;
import dev.fovea.train.ProgressBar;
import dev.fovea.viz.TrainingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fovea train}: fit a model on a data set, evaluate it on the test split, save it. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a CNN, report its test accuracy and save it as a .fovea file.",
                "Defaults: the course-notes model on the Fashion-MNIST subset embedded in Fovea."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "notes", paramLabel = "NAME|FILE",
            description = "A preset (notes, notes-dropout, tiny), a model.json architecture, or a .fovea model to train further (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--input-shape", paramLabel = "H,W,C", description = "Per-image input shape (default: the data's).")
    String inputShape;

    @Option(names = "--data", defaultValue = DataSources.EMBEDDED, paramLabel = "SOURCE",
            description = "embedded (a Fashion-MNIST subset inside Fovea), fashion-mnist (the full set from the Debian package dataset-fashion-mnist) or a directory of IDX files (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the preset's recipe).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Batch size (default: the preset's recipe).")
    Integer batchSize;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "adam or sgd (default: the preset's recipe).")
    String optimizer;

    @Option(names = {"--learning-rate", "--lr"}, paramLabel = "LR", description = "Learning rate (default: the preset's recipe).")
    Double learningRate;

    @Option(names = "--momentum", defaultValue = "0", paramLabel = "M", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum for SGD.")
    boolean nesterov;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of weights, shuffling and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE", description = "Where to save the trained model (default: MODEL.fovea in the current directory).")
    Path output;

    @Mixin CommonOptions common;

    @Mixin ReportOptions reportOptions;

    @Override public Integer call() {
        common.apply();
        DataSource source = DataSources.resolve(data);
        common.err().println("fovea: loading " + source.description());
        TrainTest tt = source.load();
        var shape = inputShape == null ? tt.train().imageShape() : InputShapes.parse(inputShape);
        if (!shape.equals(tt.train().imageShape())) {
            throw new CliException("--input-shape " + shape + " does not fit the data's images " + tt.train().imageShape());
        }
        Presets.Recipe recipe = Presets.exists(model) ? Presets.get(model).recipe() : new Presets.Recipe("adam", 0.001, 5, 64);
        ModelSource.Resolved resolved = model.endsWith(".fovea") ? ModelSource.resolve(model, shape) : resolveSeeded(shape);
        Model m = resolved.model();
        int classes = m.outputShape().dim(0);
        if (classes != tt.train().numClasses()) {
            throw new CliException("model " + model + " predicts " + classes + " classes but the data has " + tt.train().numClasses());
        }
        m.classNames(tt.train().classNames());
        Optimizer opt = optimizer(recipe);
        m.compile(opt, "sparse_categorical_crossentropy", "accuracy");
        int e = epochs != null ? epochs : recipe.epochs();
        int b = batchSize != null ? batchSize : recipe.batchSize();
        EpochTimer timer = new EpochTimer();
        TrainingReport.Recorder recorder = new TrainingReport.Recorder();   // report hook: running curves
        common.err().printf(Locale.ROOT, "fovea: training %s (%,d parameters) on %,d images for %d epochs, batch %d, %s lr %s, seed %d%n",
                resolved.description(), m.parameterCount(), tt.train().size(), e, b, opt.className(), opt.learningRate(), seed);
        long start = System.nanoTime();
        History h = m.fit(tt.train().images(), tt.train().labels(), FitOptions.epochs(e).batchSize(b).seed(seed)
                .validationData(tt.test().images(), tt.test().labels())
                .callbacks(progress(), timer, recorder));
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> test = m.evaluate(tt.test().images(), tt.test().labels());
        Path out = output != null ? output : Path.of(fileStem() + ".fovea");
        Map<String, Object> provenance = Provenance.of(seed, source, tt, m, opt, e, b);
        provenance.put("history", ReportOptions.copy(h));   // report hook: lets evaluate redraw the curves
        ModelFile.save(out, m, provenance);
        // ---- report hook (fovea-viz): curves, confusion matrix, per-class scores, misclassified images ----
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("model", out.toString());
        facts.put("architecture", resolved.description());
        facts.put("data", source.description() + ", test split");
        facts.put("epochs", e);
        facts.put("test_loss", test.get("loss"));
        facts.put("test_accuracy", test.get("accuracy"));
        Path page = reportOptions.write(reportOptions.resolve(out, null), "Training report: " + fileStem(), m, tt.test(),
                ReportOptions.copy(h), recorder.points(), facts, common);
        report(h, test, trainSeconds, timer.seconds, out, source, page);
        return 0;
    }

    private ModelSource.Resolved resolveSeeded(dev.fovea.tensor.Shape shape) {
        if (Presets.exists(model)) {
            Model m = Presets.get(model).factory().get();
            m.seed(seed).build(shape);
            return new ModelSource.Resolved(m, false, "preset " + model, Map.of());
        }
        return ModelSource.resolve(model, shape);
    }

    private Optimizer optimizer(Presets.Recipe recipe) {
        String name = optimizer != null ? optimizer : recipe.optimizer();
        double lr = learningRate != null ? learningRate : (optimizer == null ? recipe.learningRate() : (name.equals("sgd") ? 0.01 : 0.001));
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "adam" -> new Adam(lr);
            case "sgd" -> new SGD(lr, momentum, nesterov);
            default -> throw new CliException("--optimizer must be adam or sgd, got \"" + name + "\"");
        };
    }

    private Callback progress() {
        var console = System.console();
        return new ProgressBar(common.err(), console != null && console.isTerminal(), 30);
    }

    private String fileStem() {
        String base = Path.of(model).getFileName().toString();
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    private void report(History h, Map<String, Double> test, double trainSeconds, List<Double> epochSeconds, Path out, DataSource source, Path page) {
        if (common.json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", model);
            r.put("data", source.description());
            r.put("epochs", h.epochs().size());
            r.put("history", h.epochs());
            r.put("epoch_seconds", epochSeconds);
            r.put("train_seconds", trainSeconds);
            r.put("test_loss", test.get("loss"));
            r.put("test_accuracy", test.get("accuracy"));
            r.put("saved", out.toString());
            if (page != null) r.put("report", page.toString());
            common.out().println(Json.writePretty(r));
        } else {
            common.out().printf(Locale.ROOT, "test accuracy %.4f, test loss %.4f; trained in %.1f s (%.1f s per epoch); saved %s%n",
                    test.get("accuracy"), test.get("loss"), trainSeconds, trainSeconds / Math.max(1, h.epochs().size()), out);
        }
    }

    /** Wall time of each epoch, training and validation included. */
    private static final class EpochTimer implements Callback {
        final List<Double> seconds = new ArrayList<>();
        private long start;

        @Override public void onEpochBegin(int epoch) { start = System.nanoTime(); }

        @Override public void onEpochEnd(int epoch, Map<String, Double> logs) { seconds.add((System.nanoTime() - start) / 1e9); }
    }
}
