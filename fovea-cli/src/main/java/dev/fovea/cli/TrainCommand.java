package dev.fovea.cli;

import dev.fovea.data.DataSource;
import dev.fovea.data.DataSources;
import dev.fovea.data.DataOptions;
import dev.fovea.data.Dataset;
import dev.fovea.data.Streams;
import dev.fovea.data.pipeline.StreamingData;
import dev.fovea.io.Checkpoint;
import dev.fovea.io.Json;
import dev.fovea.io.ModelCheckpoint;
import dev.fovea.io.ModelFile;
import dev.fovea.nn.Layer;
import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import dev.fovea.optim.OptimizerKind;
import dev.fovea.model.Sequential;
import dev.fovea.optim.Optimizer;
import dev.fovea.tensor.Shape;
import dev.fovea.train.Callback;
import dev.fovea.train.CsvLogger;
import dev.fovea.train.EarlyStopping;
import dev.fovea.train.FitOptions;
import dev.fovea.train.History;
import dev.fovea.train.InMemoryData;
import dev.fovea.train.ProgressBar;
import dev.fovea.train.TrainingState;
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
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a CNN, report its test accuracy and save it as a .fovea file.",
                "Defaults: the course-notes model on the Fashion-MNIST subset embedded in Fovea."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "notes", paramLabel = "NAME|FILE",
            description = "A preset (notes, notes-dropout, notes-bn, fovea-small, tiny), a model.json architecture, or a .fovea model to train further (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--input-shape", paramLabel = "H,W,C", description = "Per-image input shape (default: the data's).")
    String inputShape;

    @Option(names = "--data", defaultValue = DataSources.EMBEDDED, paramLabel = "SOURCE",
            description = "embedded (a Fashion-MNIST subset inside Fovea), fashion-mnist (the full set from the Debian package dataset-fashion-mnist), or a directory: IDX files, CIFAR-10 binary, or images in one sub-folder per class (default: ${DEFAULT-VALUE}).")
    String data;

    @Mixin DataCliOptions dataOptions;

    @Option(names = "--augment", paramLabel = "SPEC",
            description = "Augmentation layers put in front of a preset, comma-separated: " + AugmentSpec.HELP
                    + "; e.g. flip,translate=0.1. Saved in the model, inactive at inference.")
    String augment;
    private List<Layer> augmentation;   // the layers of --augment, parsed when the command starts

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the preset's recipe).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Batch size (default: the preset's recipe).")
    Integer batchSize;

    @Mixin OptimizerOptions optimization;

    @Option(names = "--label-smoothing", paramLabel = "EPS", description = "Cross-entropy label smoothing (default: the recipe's).")
    Double labelSmoothing;

    @Option(names = "--l2", defaultValue = "0", paramLabel = "LAMBDA", description = "L2 penalty on kernels (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--early-stopping", paramLabel = "PATIENCE", description = "Stop when val_loss has not improved for this many epochs, restoring the best weights.")
    Integer patience;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of weights, shuffling and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE", description = "Where to save the trained model (default: MODEL.fovea in the current directory).")
    Path output;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Write a resumable checkpoint (weights, optimizer, data cursor) after every epoch.")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "Continue the run saved in a checkpoint, bit-identically (same --data, --epochs and --batch-size).")
    Path resume;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write per-epoch metrics to a CSV file.")
    Path csv;

    @Mixin CommonOptions common;

    @Mixin ReportOptions reportOptions;

    @Override public Integer call() {
        common.apply();
        if (augment != null) {
            if (resume != null) throw new CliException("--augment cannot change a run resumed from " + resume + "; its model is in the checkpoint");
            augmentation = AugmentSpec.parse(augment);   // a bad spec fails before any data is read
        }
        DataOptions options = dataOptions.options(seed, common.err());
        DataSource source = DataCliOptions.resolve(data, options);
        common.err().println("fovea: loading " + source.description());
        // The training part streams (IDX bytes or decoded images, a batch at a time, in the
        // background); the test part is evaluated whole, so it is decoded once into a tensor.
        try (Streams streams = DataSources.open(source, options)) {
            InMemoryData testData = streams.testInMemory();
            return train(source, streams.train(), new Dataset(testData.images(), testData.labels(), streams.classNames()));
        }
    }

    private int train(DataSource source, StreamingData trainData, Dataset test) {
        Shape shape = inputShape == null ? trainData.exampleShape() : InputShapes.parse(inputShape);
        if (!shape.equals(trainData.exampleShape())) {
            throw new CliException("--input-shape " + shape + " does not fit the data's images " + trainData.exampleShape());
        }
        Presets.Recipe recipe = Presets.exists(model) ? Presets.get(model).recipe() : new Presets.Recipe(OptimizerKind.ADAM, 0.001, 5, 64);
        int e = epochs != null ? epochs : recipe.epochs();
        int b = batchSize != null ? batchSize : recipe.batchSize();

        Model m;
        Optimizer opt;
        TrainingState resumeState = null;
        String description;
        if (resume != null) {
            Checkpoint.Restored r = Checkpoint.load(resume);
            m = r.model();
            opt = r.optimizer();
            resumeState = r.state();
            description = "checkpoint " + resume + " (step " + resumeState.globalStep() + ")";
        } else {
            ModelSource.Resolved resolved = resolveSeeded(shape);
            m = resolved.model();
            opt = optimization.optimizer(recipe);
            description = resolved.description();
        }
        if (!m.inputShape().equals(shape)) throw new CliException(description + " takes input " + m.inputShape() + ", the data has " + shape);
        int classes = m.outputShape().dim(0);
        if (classes != test.numClasses()) {
            throw new CliException("model " + model + " predicts " + classes + " classes but the data has " + test.numClasses());
        }
        m.classNames(test.classNames());
        m.compile(opt, "sparse_categorical_crossentropy", "accuracy");
        Map<String, Object> provenance = Provenance.of(seed, source, trainData, test, opt, e, b);

        FitOptions fit = FitOptions.epochs(e).batchSize(b).seed(seed)
                .validationData(test.images(), test.labels())
                .labelSmoothing(labelSmoothing != null ? labelSmoothing : recipe.labelSmoothing())
                .l2(l2);
        int stepsPerEpoch = (trainData.size() + b - 1) / b;
        var schedule = optimization.schedule(recipe, opt.learningRate(), e, stepsPerEpoch);
        if (schedule != null) fit.schedule(schedule);
        if (resumeState != null) fit.resume(resumeState);
        EpochTimer timer = new EpochTimer();
        TrainingReport.Recorder recorder = new TrainingReport.Recorder();   // report hook: running curves
        List<Callback> callbacks = new ArrayList<>(List.of(progress(), timer, recorder));
        if (patience != null) callbacks.add(new EarlyStopping("val_loss", patience, 0, true));
        if (checkpoint != null) callbacks.add(new ModelCheckpoint(checkpoint, "val_loss", false, true, provenance));
        if (csv != null) callbacks.add(new CsvLogger(csv));
        fit.callbacks(callbacks.toArray(Callback[]::new));

        common.err().printf(Locale.ROOT, "fovea: training %s (%,d parameters) on %,d images for %d epochs, batch %d, %s lr %s%s, seed %d%n",
                description, m.parameterCount(), trainData.size(), e, b, opt.className(), opt.learningRate(),
                schedule == null ? "" : " (" + schedule.config().get("class_name") + ")", seed);
        long start = System.nanoTime();
        History h = m.fit(trainData, fit);
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> scores = m.evaluate(test.images(), test.labels());
        Path out = output != null ? output : Path.of(fileStem() + ".fovea");
        provenance.put("history", ReportOptions.copy(h));   // report hook: lets evaluate redraw the curves
        ModelFile.save(out, m, provenance);
        // ---- report hook (fovea-viz): curves, confusion matrix, per-class scores, misclassified images ----
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("model", out.toString());
        facts.put("architecture", description);
        facts.put("data", source.description() + ", test split");
        facts.put("epochs", h.epochs().size());
        facts.put("test_loss", scores.get("loss"));
        facts.put("test_accuracy", scores.get("accuracy"));
        Path page = reportOptions.write(reportOptions.resolve(out, null), "Training report: " + fileStem(), m, test,
                ReportOptions.copy(h), recorder.points(), facts, common);
        report(h, scores, trainSeconds, timer.seconds, out, source, page);
        return 0;
    }

    private ModelSource.Resolved resolveSeeded(Shape shape) {
        if (Presets.exists(model)) {
            Sequential preset = Presets.get(model).factory().get();
            Model m = augment == null ? preset : withAugmentation(preset);
            m.seed(seed).build(shape);
            return new ModelSource.Resolved(m, false, "preset " + model + (augment == null ? "" : " with --augment " + augment), Map.of());
        }
        if (augment != null) throw new CliException("--augment applies to presets; put augmentation layers in the model.json of " + model);
        return ModelSource.resolve(model, shape);
    }

    /** The preset's layers behind the augmentation layers of --augment. */
    private Sequential withAugmentation(Sequential preset) {
        List<Layer> layers = new ArrayList<>(augmentation);
        layers.addAll(preset.layers());
        return Sequential.of(layers);
    }

    private Callback progress() {
        var console = System.console();
        return new ProgressBar(common.err(), console != null && console.isTerminal(), 30);
    }

    private String fileStem() {
        String base = Path.of(resume != null ? resume.toString() : model).getFileName().toString();
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
                    test.get("accuracy"), test.get("loss"), trainSeconds, trainSeconds / Math.max(1, epochSeconds.size()), out);
        }
    }

    /** Wall time of each epoch, training and validation included. */
    private static final class EpochTimer implements Callback {
        final List<Double> seconds = new ArrayList<>();
        private long start = System.nanoTime();

        @Override public void onEpochBegin(int epoch) { start = System.nanoTime(); }

        @Override public void onEpochEnd(int epoch, Map<String, Double> logs) { seconds.add((System.nanoTime() - start) / 1e9); }
    }
}
