package dev.fovea.viz;

import dev.fovea.json.Json;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.Callback;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report {@code fovea train} and {@code fovea evaluate} leave in a directory: loss and
 * accuracy curves (training against validation), the confusion matrix (PNG and CSV), per-class
 * precision, recall and F1 (CSV), a grid of misclassified examples, {@code metrics.json}, and
 * {@code index.html} tying them together.
 */
public final class TrainingReport {
    /**
     * What a report is drawn from.
     *
     * @param epochs    each epoch's logs ("loss", "accuracy", "val_loss", "val_accuracy"); may be empty
     * @param running   running means within epochs, {epoch + fraction, loss, accuracy}; may be empty
     * @param images    the evaluated images (N, H, W, C)
     * @param labels    their true classes (N)
     * @param probs     the model's class probabilities (N, K)
     * @param facts     lines for the page's header (model, data, accuracy, ...), also copied to metrics.json
     */
    public record Data(String title, List<String> classNames, List<Map<String, Double>> epochs, List<double[]> running,
                       Tensor images, int[] labels, Tensor probs, Map<String, Object> facts) {}

    /** Records running means within each epoch, about 40 points per epoch, for smooth curves even from one epoch. */
    public static final class Recorder implements Callback {
        private final List<double[]> points = new ArrayList<>();
        private int examples;
        private int every;
        private int lastPoint;

        @Override public void onTrainBegin(int epochs, int examples, int batchSize) {
            this.examples = examples;
            this.every = Math.max(batchSize, examples / 40);
        }

        @Override public void onEpochBegin(int epoch) {
            lastPoint = 0;
            // Running means restart each epoch: a NaN point breaks the line there instead of joining the two.
            if (epoch > 0) points.add(new double[] {epoch, Double.NaN, Double.NaN});
        }

        @Override public void onBatchEnd(int epoch, int seen, Map<String, Double> logs) {
            if (seen - lastPoint < every && seen < examples) return;
            lastPoint = seen;
            points.add(new double[] {epoch + (double) seen / examples, logs.getOrDefault("loss", Double.NaN),
                    logs.getOrDefault("accuracy", Double.NaN)});
        }

        public List<double[]> points() { return List.copyOf(points); }
    }

    private TrainingReport() {}

    /** Writes the report into {@code dir} (created if missing); returns the page. */
    public static Path write(Path dir, Data d) {
        int n = d.labels().length, k = d.probs().dim(1);
        int[] predicted = new int[n];
        float[] p = d.probs().data();
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
            predicted[i] = best;
        }
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) names.add(i < d.classNames().size() ? d.classNames().get(i) : Integer.toString(i));
        ClassMetrics cm = ClassMetrics.of(d.labels(), predicted, names);
        StringBuilder page = new StringBuilder(Html.head(d.title()));
        page.append("<h1>").append(Html.escape(d.title())).append("</h1>\n<table>\n");
        for (var e : d.facts().entrySet()) {
            page.append("<tr><td>").append(Html.escape(e.getKey())).append("</td><td>").append(Html.escape(String.valueOf(e.getValue()))).append("</td></tr>\n");
        }
        page.append(String.format(Locale.ROOT, "<tr><td>accuracy on these %d images</td><td>%.4f</td></tr>\n</table>\n", n, cm.accuracy()));
        page.append("<h2>Learning curves</h2>\n");
        if (d.epochs().isEmpty()) {
            page.append("<p class=\"note\">No training history: this model file does not record one.</p>\n");
        } else {
            for (String metric : List.of("loss", "accuracy")) {
                BufferedImage img = curve(d, metric);
                if (img == null) continue;
                Images.writePng(dir.resolve(metric + ".png"), img);
                page.append(figure(metric + ".png", img, metric + ": training (running mean within each epoch, and each epoch's mean) against validation after each epoch"));
            }
        }
        page.append("<h2>Confusion matrix</h2>\n");
        BufferedImage conf = Charts.confusion("Confusion matrix (" + n + " images)", names, cm.confusion(), 760, 680);
        Images.writePng(dir.resolve("confusion.png"), conf);
        Images.writeText(dir.resolve("confusion.csv"), cm.confusionCsv());
        page.append(figure("confusion.png", conf, "rows: true class; columns: predicted; colour: share of the row; also confusion.csv"));
        page.append("<h2>Per-class precision, recall and F1</h2>\n").append(table(cm));
        Images.writeText(dir.resolve("per_class.csv"), cm.perClassCsv());
        page.append("<h2>Misclassified examples</h2>\n");
        BufferedImage wrong = Misclassified.render(d.images(), d.labels(), d.probs(), names, 48);
        if (wrong == null) {
            page.append("<p class=\"note\">None: every image was classified correctly.</p>\n");
        } else {
            Images.writePng(dir.resolve("misclassified.png"), wrong);
            page.append(figure("misclassified.png", wrong, "the most confidently wrong first: true class, predicted class and its probability"));
        }
        page.append(Html.TAIL);
        Images.writeText(dir.resolve("metrics.json"), Json.writePretty(metricsJson(d, cm)) + "\n");
        Path index = dir.resolve("index.html");
        Images.writeText(index, page.toString());
        return index;
    }

    private static BufferedImage curve(Data d, String metric) {
        List<Charts.Series> series = new ArrayList<>();
        int col = metric.equals("loss") ? 1 : 2;
        List<double[]> run = d.running().stream().anyMatch(r -> !Double.isNaN(r[col])) ? d.running() : List.of();
        if (!run.isEmpty()) {
            series.add(new Charts.Series("training (running mean)", run.stream().mapToDouble(r -> r[0]).toArray(), run.stream().mapToDouble(r -> r[col]).toArray()));
        }
        addEpochSeries(series, "training (epoch mean)", d.epochs(), metric);
        addEpochSeries(series, "validation", d.epochs(), "val_" + metric);
        if (series.isEmpty()) return null;
        return Charts.curves(metric.equals("loss") ? "Loss" : "Accuracy", metric, series, !run.isEmpty(), 720, 420);
    }

    private static void addEpochSeries(List<Charts.Series> out, String name, List<Map<String, Double>> epochs, String key) {
        List<double[]> pts = new ArrayList<>();
        for (int e = 0; e < epochs.size(); e++) {
            Double v = epochs.get(e).get(key);
            if (v != null) pts.add(new double[] {e + 1, v});
        }
        if (!pts.isEmpty()) out.add(new Charts.Series(name, pts.stream().mapToDouble(x -> x[0]).toArray(), pts.stream().mapToDouble(x -> x[1]).toArray()));
    }

    private static String table(ClassMetrics cm) {
        StringBuilder t = new StringBuilder("<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n");
        List<ClassMetrics.Row> rows = new ArrayList<>(cm.rows());
        rows.add(cm.macroAverage());
        rows.add(cm.weightedAverage());
        for (ClassMetrics.Row r : rows) {
            t.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%d</td></tr>%n",
                    Html.escape(r.name()), r.precision(), r.recall(), r.f1(), r.support()));
        }
        return t.append("</table>\n<p class=\"note\">Also per_class.csv. Precision of a class never predicted counts as 0.</p>\n").toString();
    }

    private static Map<String, Object> metricsJson(Data d, ClassMetrics cm) {
        Map<String, Object> j = new LinkedHashMap<>(d.facts());
        j.put("accuracy", cm.accuracy());
        List<Object> per = new ArrayList<>();
        for (ClassMetrics.Row r : cm.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", r.name());
            m.put("precision", r.precision());
            m.put("recall", r.recall());
            m.put("f1", r.f1());
            m.put("support", r.support());
            per.add(m);
        }
        j.put("per_class", per);
        j.put("confusion", cm.confusion());
        j.put("history", d.epochs());
        return j;
    }

    private static String figure(String file, BufferedImage img, String caption) {
        return "<figure><img alt=\"" + Html.escape(file) + "\" src=\"" + Images.dataUri(Images.png(img)) + "\"><figcaption>"
                + Html.escape(caption) + " (<a href=\"" + Html.escape(file) + "\">" + Html.escape(file) + "</a>)</figcaption></figure>\n";
    }
}
