package dev.fovea.cli;

import dev.fovea.data.ImageLoader;
import dev.fovea.data.LoadedImage;
import dev.fovea.json.Json;
import dev.fovea.model.Model;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.Prediction;
import dev.fovea.train.ClassifierOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code fovea predict}: class probabilities of images. Image files alone, without --output, are
 * printed as they always were (text, or one JSON document under --json), all decoded before any
 * output. Folders, or --output, stream: {@link FolderPrediction} walks, decodes in the background,
 * predicts in batches and writes a row per image as results arrive.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict the classes of images (PNG, JPEG, BMP, GIF) with a trained model.",
                "Each image is converted to the model's input (grayscale or RGB, resized); for a few files the conversion is printed.",
                "Folders are walked recursively; files are recognised as images by their content and other files are skipped.",
                "With folders or --output, images are decoded on a background thread and predicted in batches in bounded memory,",
                "and each image gets a row (path, top-k labels and probabilities, or its error) as results arrive."})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE.fovea|FILE.onnx", description = "The trained model (.fovea, or ONNX imported on the fly).")
    String model;

    @Option(names = {"--top-k", "-k"}, defaultValue = "3", paramLabel = "K", description = "How many classes to show per image (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE.csv|FILE.jsonl|-",
            description = "Write one row per image to this file (CSV or JSON Lines, by its extension; - for standard output), flushed after every batch.")
    String output;

    @Option(names = "--format", paramLabel = "csv|jsonl", description = "The --output format when its name does not say (default for folders on standard output: csv, jsonl under --json).")
    String format;

    @Option(names = "--all-probabilities", description = "Add every class's probability to each row (CSV: one p_<class> column per class).")
    boolean allProbabilities;

    @Option(names = "--resume", description = "Keep the rows already in --output (a last line cut short is dropped) and predict only the images without one.")
    boolean resume;

    @Option(names = "--overwrite", description = "Replace an existing --output file.")
    boolean overwrite;

    @Option(names = "--strict", description = "Stop at the first file that is not a readable image (by default it is skipped, or gets a row with its error).")
    boolean strict;

    @Option(names = "--batch-size", paramLabel = "N", description = "Images per forward pass (default: chosen from the model's activation size, at most 256).")
    Integer batchSize;

    @Option(names = "--decode-threads", defaultValue = "1", paramLabel = "N", description = "Background threads decoding images (default: ${DEFAULT-VALUE}).")
    int decodeThreads;

    @Option(names = "--max-pixels", defaultValue = "40000000", paramLabel = "N",
            description = "Refuse images with more pixels than this, checked from the header before decoding (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Parameters(arity = "1..*", paramLabel = "IMAGE|DIR", description = "Image files and folders of images.")
    List<Path> images;

    @Mixin CommonOptions common;

    @Override public Integer call() {
        common.apply();
        if (topK < 1) throw new CliException("--top-k must be >= 1, got " + topK);
        if (maxPixels < 1) throw new CliException("--max-pixels must be >= 1, got " + maxPixels);
        boolean folders = images.stream().anyMatch(Files::isDirectory);
        if (output != null || folders) return FolderPrediction.run(this);
        for (String flag : List.of("--format", "--all-probabilities", "--resume", "--overwrite", "--strict", "--batch-size")) {
            if (given(flag)) throw new CliException(flag + " applies to folders and --output; image files alone are printed whole");
        }
        return printFiles();
    }

    /** Whether flag was on the command line. */
    boolean given(String flag) {
        return common.spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /** Today's output for a few image files: all loaded and checked first, then printed. */
    private int printFiles() {
        Model m = ModelSource.trained(model).model();
        ImageLoader loader = new ImageLoader(maxPixels);
        // Load and check every image first: one bad file stops the run before any output.
        List<LoadedImage> loaded = new ArrayList<>();
        for (Path p : images) loaded.add(loader.load(p, m.inputShape()));
        Tensor batch = Tensor.zeros(m.inputShape().withBatch(loaded.size()));
        int per = m.inputShape().size();
        for (int i = 0; i < loaded.size(); i++) System.arraycopy(loaded.get(i).image().data(), 0, batch.data(), i * per, per);
        ClassifierOutput output = m.output();
        Tensor probs = m.predict(batch);   // softmax applied when the model ends in logits (output says so)
        List<Object> results = new ArrayList<>();
        if (!common.json) common.out().println("model output: " + output.description());
        for (int i = 0; i < loaded.size(); i++) {
            List<Prediction> top = output.topK(probs, i, topK);
            if (common.json) {
                results.add(jsonResult(images.get(i), loaded.get(i), top, probs, i));
            } else {
                common.out().println(loaded.get(i).description());
                for (int t = 0; t < top.size(); t++) {
                    common.out().printf(Locale.ROOT, "  %d. %-14s %.4f%n", t + 1, top.get(t).label(), top.get(t).probability());
                }
                common.out().printf(Locale.ROOT, "  (top %d of %d classes; all %d probabilities sum to %.4f)%n",
                        top.size(), probs.dim(1), probs.dim(1), rowSum(probs, i));
            }
        }
        if (common.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model);
            out.put("output", output.description());
            out.put("softmax_applied", output.appliesSoftmax());
            out.put("predictions", results);
            common.out().println(Json.writePretty(out));
        }
        return 0;
    }

    private static Map<String, Object> jsonResult(Path file, LoadedImage img, List<Prediction> top, Tensor probs, int row) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("image", file.toString());
        r.put("conversion", img.description());
        List<Object> t = new ArrayList<>();
        for (Prediction p : top) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("label", p.label());
            e.put("index", p.classIndex());
            e.put("probability", p.probability());
            t.add(e);
        }
        r.put("top_k", t);
        List<Double> all = new ArrayList<>();
        for (int j = 0; j < probs.dim(1); j++) all.add((double) probs.data()[row * probs.dim(1) + j]);
        r.put("probabilities", all);
        return r;
    }

    private static double rowSum(Tensor probs, int row) {
        double s = 0;
        for (int j = 0; j < probs.dim(1); j++) s += probs.data()[row * probs.dim(1) + j];
        return s;
    }
}
