package dev.fovea.cli;

import dev.fovea.data.ImageLoader;
import dev.fovea.data.LoadedImage;
import dev.fovea.json.Json;
import dev.fovea.model.Model;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.Prediction;
import dev.fovea.train.Predictor;
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

/** {@code fovea predict}: class probabilities of image files. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict the classes of images (PNG, JPEG, BMP, GIF) with a trained model.",
                "Each image is converted to the model's input (grayscale or RGB, resized); the conversion is printed."})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE.fovea|FILE.onnx", description = "The trained model (.fovea, or ONNX imported on the fly).")
    String model;

    @Option(names = {"--top-k", "-k"}, defaultValue = "3", paramLabel = "K", description = "How many classes to show per image (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--max-pixels", defaultValue = "40000000", paramLabel = "N",
            description = "Refuse images with more pixels than this, checked from the header before decoding (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Mixin CommonOptions common;

    @Override public Integer call() {
        common.apply();
        if (topK < 1) throw new CliException("--top-k must be >= 1, got " + topK);
        Model m = ModelSource.trained(model).model();
        ImageLoader loader = new ImageLoader(maxPixels);
        // Load and check every image first: one bad file stops the run before any output.
        List<LoadedImage> loaded = new ArrayList<>();
        for (Path p : images) loaded.add(loader.load(p, m.inputShape()));
        Tensor batch = Tensor.zeros(m.inputShape().withBatch(loaded.size()));
        int per = m.inputShape().size();
        for (int i = 0; i < loaded.size(); i++) System.arraycopy(loaded.get(i).image().data(), 0, batch.data(), i * per, per);
        Tensor probs = m.predict(batch);
        List<Object> results = new ArrayList<>();
        for (int i = 0; i < loaded.size(); i++) {
            List<Prediction> top = Predictor.topK(probs, i, topK, m.classNames());
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
        if (common.json) common.out().println(Json.writePretty(Map.of("model", model, "predictions", results)));
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
