package dev.fovea.cli;

import dev.fovea.data.ImageLoader;
import dev.fovea.data.LoadedImage;
import dev.fovea.json.Json;
import dev.fovea.model.Model;
import dev.fovea.viz.Visualizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fovea visualize}: feature maps, filters, saliency and Grad-CAM of one image, as PNGs and an HTML page. */
@Command(name = "visualize", mixinStandardHelpOptions = true,
        description = {"Draw what a trained model sees in an image, as PNGs and one self-contained index.html.",
                "Each convolution and pooling layer's feature maps, the first layer's filters, a saliency map and a",
                "Grad-CAM heat map for the predicted class (or --class), and the class probabilities."})
final class VisualizeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE.fovea|FILE.onnx", description = "The trained model (or give it before IMAGE, as in: visualize MODEL IMAGE).")
    String modelOption;

    @Parameters(arity = "1..2", paramLabel = "[MODEL] IMAGE",
            description = "The model (unless --model names it), then a PNG, JPEG, BMP or GIF image, converted to the model's input"
                    + " (size, colour mode, the model's normalisation) as predict does.")
    List<String> positional;

    private String model;
    private Path image;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default: runs/visualize-IMAGE, IMAGE being the image's file name without extension).")
    Path out;

    @Option(names = "--class", paramLabel = "C", description = "The class to explain, by name or index (default: the predicted class).")
    String className;

    @Option(names = "--max-pixels", defaultValue = "40000000", paramLabel = "N",
            description = "Refuse images with more pixels than this, checked from the header before decoding (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Mixin CommonOptions common;

    @Override public Integer call() {
        common.apply();
        if (modelOption != null ? positional.size() != 1 : positional.size() != 2) {
            throw new CliException("visualize takes --model MODEL IMAGE (or MODEL IMAGE), got " + (modelOption != null ? "--model and " : "")
                    + positional.size() + " file(s): " + String.join(" ", positional));
        }
        model = modelOption != null ? modelOption : positional.get(0);
        image = Path.of(positional.get(positional.size() - 1));
        Model m = ModelSource.trained(model).model();
        LoadedImage img = new ImageLoader(maxPixels).load(image, m.inputShape());
        int cls = className == null ? -1 : classIndex(m, className);
        Visualizer.Report r = Visualizer.run(m, img.image(), img.description(), cls);
        Path dir = out != null ? out : Path.of("runs", "visualize-" + stem(image));
        Path index = Visualizer.write(r, dir);
        int c = r.attribution().classIndex();
        String label = m.output().className(c);
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", model);
            j.put("image", img.description());
            j.put("class", label);
            j.put("class_index", c);
            j.put("probability", (double) r.attribution().probs()[c]);
            j.put("output", r.attribution().output());
            j.put("layers", r.featureMaps().stream().map(Visualizer.Panel::title).toList());
            j.put("grad_cam_layer", r.attribution().gradCamLayer());
            j.put("page", index.toString());
            common.out().println(Json.writePretty(j));
        } else {
            common.out().println("model output: " + r.attribution().output());
            common.out().printf(Locale.ROOT, "%s: explained class %s (probability %.4f); %d feature-map grids; page %s%n",
                    img.description(), label, r.attribution().probs()[c], r.featureMaps().size(), index);
        }
        return 0;
    }

    /** A class by name (as in the model's class names) or by index. */
    static int classIndex(Model m, String spec) {
        int k = m.outputShape().dim(0);
        int byName = m.classNames().indexOf(spec);
        if (byName >= 0) return byName;
        try {
            int i = Integer.parseInt(spec.trim());
            if (i >= 0 && i < k) return i;
        } catch (NumberFormatException ignored) {
            // not a number: fall through to the error
        }
        throw new CliException("--class " + spec + ": not a class of this model; accepted: an index 0.." + (k - 1)
                + (m.classNames().isEmpty() ? "" : " or one of " + String.join(", ", m.classNames())));
    }

    static String stem(Path p) {
        String base = p.getFileName().toString();
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
