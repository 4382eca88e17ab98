package dev.fovea.viz;

import dev.fovea.FoveaException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A classifier's test-set scores: the confusion matrix (rows true class, columns predicted) and
 * per-class precision, recall and F1, with macro and support-weighted averages, as
 * scikit-learn's {@code classification_report} defines them. A class never predicted has
 * precision 0 (as scikit-learn's default {@code zero_division}); one never present has recall 0.
 */
public final class ClassMetrics {
    /** One class's scores; support is its number of true examples. */
    public record Row(String name, double precision, double recall, double f1, int support) {}

    private final List<String> names;
    private final int[][] confusion;
    private final List<Row> rows;
    private final double accuracy;

    private ClassMetrics(List<String> names, int[][] confusion) {
        this.names = List.copyOf(names);
        this.confusion = confusion;
        int k = confusion.length;
        long correct = 0, total = 0;
        List<Row> r = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            long tp = confusion[c][c], predicted = 0, actual = 0;
            for (int j = 0; j < k; j++) {
                predicted += confusion[j][c];
                actual += confusion[c][j];
            }
            double precision = predicted == 0 ? 0 : (double) tp / predicted;
            double recall = actual == 0 ? 0 : (double) tp / actual;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            r.add(new Row(names.get(c), precision, recall, f1, (int) actual));
            correct += tp;
            total += actual;
        }
        this.rows = List.copyOf(r);
        this.accuracy = total == 0 ? 0 : (double) correct / total;
    }

    /** Scores of {@code predicted} against {@code labels} over {@code names.size()} classes. */
    public static ClassMetrics of(int[] labels, int[] predicted, List<String> names) {
        if (labels.length != predicted.length) {
            throw new FoveaException("class metrics: " + labels.length + " labels but " + predicted.length + " predictions");
        }
        int k = names.size();
        int[][] m = new int[k][k];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= k || predicted[i] < 0 || predicted[i] >= k) {
                throw new FoveaException("class metrics: example " + i + " has label " + labels[i] + " and prediction "
                        + predicted[i] + ", outside the " + k + " classes [0, " + k + ")");
            }
            m[labels[i]][predicted[i]]++;
        }
        return new ClassMetrics(names, m);
    }

    public List<String> names() { return names; }
    public int[][] confusion() {
        int[][] c = new int[confusion.length][];
        for (int i = 0; i < c.length; i++) c[i] = confusion[i].clone();
        return c;
    }
    public List<Row> rows() { return rows; }
    public double accuracy() { return accuracy; }

    /** Unweighted mean over classes of precision, recall and F1. */
    public Row macroAverage() {
        double p = 0, r = 0, f = 0;
        int n = 0;
        for (Row row : rows) {
            p += row.precision();
            r += row.recall();
            f += row.f1();
            n += row.support();
        }
        int k = Math.max(1, rows.size());
        return new Row("macro avg", p / k, r / k, f / k, n);
    }

    /** Mean over classes weighted by support. */
    public Row weightedAverage() {
        double p = 0, r = 0, f = 0;
        int n = 0;
        for (Row row : rows) {
            p += row.precision() * row.support();
            r += row.recall() * row.support();
            f += row.f1() * row.support();
            n += row.support();
        }
        int d = Math.max(1, n);
        return new Row("weighted avg", p / d, r / d, f / d, n);
    }

    /** The confusion matrix as CSV: a header of predicted classes, one row per true class. */
    public String confusionCsv() {
        StringBuilder b = new StringBuilder("true\\predicted");
        for (String n : names) b.append(',').append(csv(n));
        b.append('\n');
        for (int t = 0; t < confusion.length; t++) {
            b.append(csv(names.get(t)));
            for (int p = 0; p < confusion.length; p++) b.append(',').append(confusion[t][p]);
            b.append('\n');
        }
        return b.toString();
    }

    /** class,precision,recall,f1,support per class, then the two averages and the accuracy. */
    public String perClassCsv() {
        StringBuilder b = new StringBuilder("class,precision,recall,f1,support\n");
        List<Row> all = new ArrayList<>(rows);
        all.add(macroAverage());
        all.add(weightedAverage());
        for (Row r : all) {
            b.append(csv(r.name())).append(String.format(Locale.ROOT, ",%.4f,%.4f,%.4f,%d%n", r.precision(), r.recall(), r.f1(), r.support()));
        }
        b.append(String.format(Locale.ROOT, "accuracy,,,%.4f,%d%n", accuracy, macroAverage().support()));
        return b.toString();
    }

    /** RFC 4180: quote fields holding a comma, quote or line break. */
    static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) return "\"" + s.replace("\"", "\"\"") + "\"";
        return s;
    }
}
