package dev.fovea.cli;

import dev.fovea.data.DataSource;
import dev.fovea.data.DataSources;
import dev.fovea.data.DataOptions;
import dev.fovea.data.Dataset;
import dev.fovea.data.Streams;
import dev.fovea.data.pipeline.StreamingData;
import dev.fovea.io.Checkpoint;
import dev.fovea.io.FineTuning;
import dev.fovea.json.Json;
import dev.fovea.io.ModelCheckpoint;
import dev.fovea.io.ModelFile;
import dev.fovea.nn.Layer;
import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import dev.fovea.optim.OptimizerKind;
import dev.fovea.optim.ScheduleKind;
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
            description = "A preset (" + ModelSource.PRESET_NAMES + "), a model.json architecture, or a .fovea model to train further (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--input-shape", paramLabel = "H,W,C", description = "Per-image input shape (default: the data's; presets and architecture files are fitted to it).")
    String inputShape;

    @Option(names = "--classes", paramLabel = "N", description = "Units of the classifier head (default: the data's class count; presets and architecture files are fitted to it).")
    Integer classes;

    @Option(names = "--data", defaultValue = DataSources.EMBEDDED, paramLabel = "SOURCE",
            description = "embedded (a Fashion-MNIST subset inside Fovea), fashion-mnist (the full set from the Debian package dataset-fashion-mnist), or a directory: IDX files, CIFAR-10 binary, or images in one sub-folder per class (default: ${DEFAULT-VALUE}).")
    String data;

    @Mixin DataCliOptions dataOptions;

    @Option(names = "--augment", paramLabel = "SPEC",
            description = "Augmentation layers put in front of a preset, comma-separated: " + AugmentSpec.HELP
                    + "; e.g. flip,translate=0.1. Saved in the model, inactive at inference.")
    String augment;
    private List<Layer> augmentation;   // the layers of --augment, parsed when the command starts
    private ModelSource.Resolved trained;   // --model as a trained file, loaded before the data (to read it as the model does)

    /**
     * Defaults for training a trained model further (fine-tuning): a tenth of the usual Adam
     * learning rate, reached after a one-epoch linear warm-up and then decayed by cosine, so that
     * the first steps of a fresh head do not wreck the pretrained weights with large updates.
     */
    static final Presets.Recipe FINE_TUNING = new Presets.Recipe(OptimizerKind.ADAM, 1e-4, 5, 32, ScheduleKind.COSINE, 0, 0, 1);

    @Option(names = "--normalize", paramLabel = "STATS",
            description = "Standardise the input per channel with a Normalization layer in front of the model (saved in it, so every command applies it): "
                    + NormalizeSpec.HELP + ".")
    String normalize;

    @Option(names = "--freeze", paramLabel = "N|LAYER|base",
            description = "Freeze layers while training (fine-tuning): base (all but the classifier head), the first N layers,"
                    + " or every layer up to and including LAYER. Frozen batch normalisation uses its moving statistics.")
    String freeze;

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
        if (normalize != null && resume != null) throw new CliException("--normalize cannot change a run resumed from " + resume + "; its model is in the checkpoint");
        if (augment != null) {
            if (resume != null) throw new CliException("--augment cannot change a run resumed from " + resume + "; its model is in the checkpoint");
            augmentation = AugmentSpec.parse(augment);   // a bad spec fails before any data is read
        }
        DataOptions options = dataOptions.options(seed, common.err());
        if (resume == null && isTrainedFile()) {
            // A trained model (fine-tuning) reads the data as it was trained to: its image size and colour mode.
            trained = ModelSource.resolve(model, null);
            options = ModelInput.fit(options, trained.model(), Map.of(), dataOptions);
        }
        DataSource source = DataCliOptions.resolve(data, options);
        common.err().println("fovea: loading " + source.description());
        // The training part streams (IDX bytes or decoded images, a batch at a time, in the
        // background); the test part is evaluated whole, so it is decoded once into a tensor.
        try (Streams streams = DataSources.open(source, options)) {
            InMemoryData testData = streams.testInMemory();
            return train(source, options, streams.train(), new Dataset(testData.images(), testData.labels(), streams.classNames()));
        }
    }

    private int train(DataSource source, DataOptions options, StreamingData trainData, Dataset test) {
        Shape shape = inputShape == null ? trainData.exampleShape() : InputShapes.parse(inputShape);
        if (!shape.equals(trainData.exampleShape())) {
            throw new CliException("--input-shape " + shape + " does not fit the data's images " + trainData.exampleShape());
        }
        Presets.Recipe recipe = Presets.exists(model) ? Presets.get(model).recipe()
                : trained != null ? FINE_TUNING : new Presets.Recipe(OptimizerKind.ADAM, 0.001, 5, 64);
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
            ModelSource.Resolved resolved = resolveSeeded(shape, headClasses(test));
            m = resolved.model();
            opt = optimization.optimizer(recipe);
            description = resolved.description();
        }
        if (!m.inputShape().equals(shape)) throw new CliException(description + " takes input " + m.inputShape() + ", the data has " + shape);
        int predicted = m.outputShape().dim(0);
        if (predicted < test.numClasses() || classes != null && predicted != classes) {
            throw new CliException(description + " predicts " + predicted + " classes but the data has " + test.numClasses()
                    + (classes != null ? " and --classes says " + classes : ""));
        }
        m.classNames(classNames(test.classNames(), predicted));
        if (resumeState == null) applyFreeze(m);
        else if (freeze != null) throw new CliException("--freeze cannot change a run resumed from " + resume + "; start the fine-tuning again");
        m.compile(opt, "sparse_categorical_crossentropy", "accuracy");
        Map<String, Object> provenance = Provenance.of(seed, source, trainData, test, opt, e, b);
        // evaluate re-derives the same held-out split of a folder from these two
        provenance.put("validation_split", options.validationSplit());

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

    /** The classifier head's size: --classes, else the data's class count. */
    private int headClasses(Dataset test) {
        if (classes == null) return test.numClasses();
        if (classes < test.numClasses()) {
            throw new CliException("--classes " + classes + " is fewer than the " + test.numClasses() + " classes of the data");
        }
        return classes;
    }

    /** The data's class names, then "class_K" for head units the data has no examples of (--classes above its count). */
    private static List<String> classNames(List<String> data, int units) {
        List<String> names = new ArrayList<>(data);
        for (int k = names.size(); k < units; k++) names.add("class_" + k);
        return names;
    }

    /** A preset or architecture fitted to the data (input shape, class count), or a trained .fovea / .onnx model as it is. */
    private ModelSource.Resolved resolveSeeded(Shape shape, int headClasses) {
        if (Presets.exists(model) || model.endsWith(".json")) {
            List<String> adapted = new ArrayList<>();
            List<Layer> front = new ArrayList<>();
            if (normalize != null) front.add(NormalizeSpec.parse(normalize, shape.dim(-1)));
            if (augmentation != null) front.addAll(augmentation);
            var r = ModelSource.forData(model, shape, headClasses, seed, front, adapted);
            if (!adapted.isEmpty()) common.err().println("fovea: fitted " + r.description() + " to the data: " + String.join("; ", adapted));
            String with = (normalize == null ? "" : " with --normalize " + normalize) + (augment == null ? "" : " with --augment " + augment);
            return new ModelSource.Resolved(r.model(), false, r.description() + with, Map.of());
        }
        if (augment != null || normalize != null) {
            throw new CliException("--augment and --normalize build a new model from a preset or an architecture; " + model + " already has its layers");
        }
        ModelSource.Resolved r = trained != null ? trained : ModelSource.resolve(model, shape);
        if (!r.model().inputShape().equals(shape)) return r;   // refused by the caller, naming both shapes
        FineTuning.Result ft;
        try {
            ft = FineTuning.withClasses(r.model(), headClasses, seed);
        } catch (dev.fovea.FoveaException e) {
            throw new CliException(model + ": " + e.getMessage());
        }
        if (ft.head() != null) {
            common.err().println("fovea: replaced the classifier head " + ft.head() + " (" + ft.previousClasses() + " classes) with a new one for "
                    + headClasses + " classes; every other layer keeps its trained weights");
        }
        return new ModelSource.Resolved(ft.model(), true, r.description(), r.provenance());
    }

    /** --model names a trained model (.fovea, .onnx, Keras), not a preset or an architecture. */
    private boolean isTrainedFile() {
        return !Presets.exists(model) && !model.endsWith(".json");
    }

    /** --freeze, applied before compile; says which layers keep their weights. */
    private void applyFreeze(Model m) {
        if (freeze == null) return;
        List<String> frozen;
        try {
            frozen = FineTuning.freeze(m, freeze.trim());
        } catch (dev.fovea.FoveaException e) {
            throw new CliException("--" + e.getMessage());
        }
        common.err().println("fovea: frozen: " + (frozen.isEmpty() ? "no layer with weights" : String.join(", ", frozen)));
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
