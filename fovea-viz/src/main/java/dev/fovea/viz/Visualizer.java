package dev.fovea.viz;

import dev.fovea.nn.ConvolutionKernel;
import dev.fovea.nn.ForwardContext;
import dev.fovea.nn.Layer;
import dev.fovea.model.Model;
import dev.fovea.nn.Pooling2D;
import dev.fovea.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything {@code fovea visualize} draws for one model and one image: each convolution's and
 * pooling layer's feature maps, the first convolution's filters, a saliency map and a Grad-CAM
 * heat map for a class, and the class probabilities; {@link #write} saves them as PNGs and one
 * self-contained HTML page. Runs forward and backward passes on {@code model}: give it a model
 * nobody else is using.
 */
public final class Visualizer {
    /** One picture of the report: a file stem, a heading and a caption. */
    public record Panel(String file, String title, String caption, BufferedImage image) {}

    /** What was drawn; {@code attribution} holds the probabilities and the class explained. */
    public record Report(String modelName, String imageDescription, List<String> classNames, Attribution.Result attribution,
                         Panel input, Panel probabilities, Panel saliency, Panel saliencyOverlay, Panel gradCam, Panel filters,
                         List<Panel> featureMaps) {}

    private static final int PICTURE = 224;

    private Visualizer() {}

    /**
     * @param image       (H, W, C), the model's input shape, values as the model was trained on
     * @param classIndex  the class to explain, or -1 for the predicted one
     */
    public static Report run(Model model, Tensor image, String description, int classIndex) {
        int h = image.dim(0), w = image.dim(1);
        model.forward(image.reshape(model.inputShape().withBatch(1)), ForwardContext.INFERENCE);
        List<Panel> maps = new ArrayList<>();
        Layer first = null;
        for (int i = 0; i < model.nodes().size(); i++) {
            Layer l = model.nodes().get(i).layer();
            if (l instanceof ConvolutionKernel && first == null) first = l;
            if (!(l instanceof ConvolutionKernel || l instanceof Pooling2D)) continue;
            Tensor out = model.nodeOutput(i);
            maps.add(new Panel(String.format(Locale.ROOT, "features-%02d-%s", i, safe(l.name())),
                    l.name() + " (" + l.className() + ")", "output " + out.shape().dropBatch(), FeatureMaps.render(l, out, 0)));
        }
        Panel filters = first == null ? null : new Panel("filters-" + safe(first.name()), first.name() + " filters",
                "the first convolution's kernels: what each feature map of " + first.name() + " responds to", Filters.render(first));
        Attribution.Result a = Attribution.explain(model, image, classIndex);
        List<String> names = model.output().classNames();
        String cls = className(names, a.classIndex());
        int f = Images.factorFor(h, w, PICTURE);
        Panel input = new Panel("input", "input", description, Images.enlarge(Images.fromTensor(image), f));
        Panel probs = new Panel("probabilities", "class probabilities", "model output: " + a.output() + "; the explained class in orange",
                Charts.probabilities("class probabilities", names, a.probs(), a.classIndex(), 520, 60 + 26 * a.probs().length));
        Panel sal = new Panel("saliency", "saliency for " + cls,
                "|d score / d pixel| (Simonyan et al. 2014), " + a.scoreName() + ", inferno: bright pixels change the score most",
                Images.enlarge(Images.heat(a.saliency(), h, w, ColorMap.INFERNO), f));
        Panel salOver = new Panel("saliency-overlay", "saliency over the image", "the same saliency laid over the image",
                Images.enlarge(Attribution.overlay(image, a.saliency()), f));
        Panel cam = a.gradCam() == null ? null : new Panel("gradcam", "Grad-CAM for " + cls,
                "Grad-CAM (Selvaraju et al. 2017) on " + a.gradCamLayer() + ", upsampled and laid over the image: "
                        + (isZero(a.gradCam()) ? "empty: no region of " + a.gradCamLayer() + " adds evidence for the class (every weighted sum of maps is negative)"
                        : "where the evidence for the class is"),
                Images.enlarge(Attribution.overlay(image, a.gradCam()), f));
        return new Report(model.name(), description, names, a, input, probs, sal, salOver, cam, filters, maps);
    }

    /** Writes every panel as DIR/FILE.png and DIR/index.html (pictures embedded: the page stands alone). */
    public static Path write(Report r, Path dir) {
        List<Panel> all = new ArrayList<>();
        all.add(r.input());
        all.add(r.probabilities());
        all.add(r.saliency());
        all.add(r.saliencyOverlay());
        if (r.gradCam() != null) all.add(r.gradCam());
        if (r.filters() != null) all.add(r.filters());
        all.addAll(r.featureMaps());
        StringBuilder page = new StringBuilder(Html.head("Fovea: what " + r.modelName() + " sees"));
        String cls = className(r.classNames(), r.attribution().classIndex());
        page.append("<h1>What <code>").append(Html.escape(r.modelName())).append("</code> sees</h1>\n<p class=\"note\">")
                .append(Html.escape(r.imageDescription())).append("</p>\n");
        page.append("<h2>Class probabilities</h2>\n").append(probabilityTable(r)).append(figure(r.probabilities()));
        page.append("<h2>Where the decision for “").append(Html.escape(cls)).append("” comes from</h2>\n");
        page.append(figure(r.input())).append(figure(r.saliency())).append(figure(r.saliencyOverlay()));
        if (r.gradCam() != null) page.append(figure(r.gradCam()));
        if (r.filters() != null) page.append("<h2>Filters</h2>\n").append(figure(r.filters()));
        page.append("<h2>Feature maps</h2>\n<p class=\"note\">Each convolution and pooling layer, in order; each map scaled from its own minimum to maximum.</p>\n");
        for (Panel p : r.featureMaps()) page.append(figure(p)).append("<br>\n");
        page.append(Html.TAIL);
        for (Panel p : all) Images.writePng(dir.resolve(p.file() + ".png"), p.image());
        Path index = dir.resolve("index.html");
        Images.writeText(index, page.toString());
        return index;
    }

    private static String figure(Panel p) {
        return "<figure id=\"" + Html.escape(p.file()) + "\"><img alt=\"" + Html.escape(p.title()) + "\" src=\""
                + Images.dataUri(Images.png(p.image())) + "\"><figcaption><b>" + Html.escape(p.title()) + "</b>: "
                + Html.escape(p.caption()) + " (<a href=\"" + Html.escape(p.file()) + ".png\">" + Html.escape(p.file()) + ".png</a>)</figcaption></figure>\n";
    }

    private static String probabilityTable(Report r) {
        float[] p = r.attribution().probs();
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Float.compare(p[y], p[x]));
        StringBuilder t = new StringBuilder("<table><tr><th>class</th><th>probability</th><th></th></tr>\n");
        for (int i : order) {
            t.append(i == r.attribution().classIndex() ? "<tr class=\"top\">" : "<tr>")
                    .append("<td>").append(Html.escape(className(r.classNames(), i))).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.4f", p[i])).append("</td><td><span class=\"bar\" style=\"width:")
                    .append(String.format(Locale.ROOT, "%.1f", 300 * p[i])).append("px\"></span></td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static boolean isZero(float[] v) {
        for (float x : v) if (x != 0) return false;
        return true;
    }

    static String className(List<String> names, int i) {
        return i < names.size() ? names.get(i) : Integer.toString(i);
    }

    /** A layer name made safe for a file name. */
    static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
