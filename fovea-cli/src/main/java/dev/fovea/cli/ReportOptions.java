package dev.fovea.cli;

import dev.fovea.data.Dataset;
import dev.fovea.model.Model;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.History;
import dev.fovea.viz.TrainingReport;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --report DIR} and {@code --no-report} of train and evaluate, and the writing of the
 * report (see {@link TrainingReport}). By default a report goes to {@code runs/NAME/} beside
 * the model file, NAME being the file name without ".fovea"; evaluate writes into its
 * {@code evaluate/} sub-directory, so it never overwrites the training report.
 */
final class ReportOptions {
    @Option(names = "--report", paramLabel = "DIR",
            description = "Where to write the report: curves, confusion matrix, per-class scores, misclassified images, index.html "
                    + "(default: runs/NAME/ beside the model file; evaluate: runs/NAME/evaluate/).")
    Path dir;

    @Option(names = "--no-report", description = "Write no report.")
    boolean off;

    /** The directory for the model file {@code model}, or null when reports are off. */
    Path resolve(Path model, String sub) {
        if (off) return null;
        if (dir != null) return dir;
        String base = model.getFileName().toString();
        String stem = base.endsWith(".fovea") ? base.substring(0, base.length() - ".fovea".length()) : base;
        Path parent = model.toAbsolutePath().getParent();
        Path d = Path.of("runs", stem);
        if (sub != null) d = d.resolve(sub);
        return parent == null ? d : relativeIfUnder(parent.resolve(d));
    }

    /** Writes the report of {@code m} on {@code test}; history may be empty. Returns the page, or null when off. */
    Path write(Path target, String title, Model m, Dataset test, List<Map<String, Double>> history, List<double[]> running,
               Map<String, Object> facts, CommonOptions common) {
        if (target == null) return null;
        Tensor probs = m.predict(test.images());                                   // (N, K)
        Path page = TrainingReport.write(target, new TrainingReport.Data(title, m.classNames(), history, running,
                test.images(), test.labels(), probs, facts));
        common.err().println("fovea: report written to " + page);
        common.err().flush();
        return page;
    }

    /** The history a model file's provenance records (written by train), or an empty list. */
    static List<Map<String, Double>> history(Map<String, Object> provenance) {
        List<Map<String, Double>> out = new ArrayList<>();
        if (!(provenance.get("history") instanceof List<?> epochs)) return out;
        for (Object e : epochs) {
            if (!(e instanceof Map<?, ?> logs)) return List.of();
            Map<String, Double> m = new LinkedHashMap<>();
            for (var kv : logs.entrySet()) {
                if (kv.getKey() instanceof String k && kv.getValue() instanceof Number v) m.put(k, v.doubleValue());
            }
            out.add(m);
        }
        return out;
    }

    /** History as provenance stores it. */
    static List<Map<String, Double>> copy(History h) {
        return new ArrayList<>(h.epochs());
    }

    private static Path relativeIfUnder(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p) : p;
    }
}
