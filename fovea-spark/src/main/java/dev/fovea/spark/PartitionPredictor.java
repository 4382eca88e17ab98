package dev.fovea.spark;

import dev.fovea.data.ImageLoader;
import dev.fovea.model.Model;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The rows of one partition with their predictions appended, made a batch at a time: up to
 * {@code batchSize} rows are read and decoded, the good ones run through the model in one
 * forward pass, and every row comes out with either a prediction or an error (never both).
 * Memory is bounded by one batch of decoded images whatever the partition's size.
 */
final class PartitionPredictor implements Iterator<Row> {
    private final Iterator<Row> in;
    private final Model model;
    private final PredictOptions options;
    private final ImageColumn kind;
    private final int imageField, nameField;
    private final ImageLoader loader;
    private final List<Row> ready = new ArrayList<>();
    private int next;

    PartitionPredictor(Iterator<Row> in, Model model, PredictOptions options, ImageColumn kind, int imageField, int nameField) {
        this.in = in;
        this.model = model;
        this.options = options;
        this.kind = kind;
        this.imageField = imageField;
        this.nameField = nameField;
        this.loader = new ImageLoader(options.maxPixels());
    }

    @Override public boolean hasNext() {
        if (next < ready.size()) return true;
        ready.clear();
        next = 0;
        if (in.hasNext()) fillBatch();
        return next < ready.size();
    }

    @Override public Row next() {
        if (!hasNext()) throw new NoSuchElementException();
        return ready.get(next++);
    }

    private void fillBatch() {
        Shape shape = model.inputShape();
        List<Row> rows = new ArrayList<>(options.batchSize());
        List<float[]> examples = new ArrayList<>(options.batchSize());
        List<String> errors = new ArrayList<>(options.batchSize());
        while (rows.size() < options.batchSize() && in.hasNext()) {
            Row r = in.next();
            rows.add(r);
            String where = nameField >= 0 && !r.isNullAt(nameField) ? String.valueOf(r.get(nameField)) : "row";
            try {
                examples.add(kind.decode(r.get(imageField), shape, loader, where));
                errors.add(null);
            } catch (RuntimeException e) {
                // A bad image yields a null prediction and its error, never a failed job.
                examples.add(null);
                errors.add(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        int good = 0;
        for (float[] x : examples) if (x != null) good++;
        Tensor probs = null;
        if (good > 0) {
            int per = shape.size();
            Tensor batch = Tensor.zeros(shape.withBatch(good));
            int k = 0;
            for (float[] x : examples) if (x != null) System.arraycopy(x, 0, batch.data(), per * k++, per);
            probs = ClassifierRows.probabilities(model, batch);
        }
        int k = 0;
        for (int i = 0; i < rows.size(); i++) {
            Object[] added = examples.get(i) == null ? ClassifierRows.error(errors.get(i)) : ClassifierRows.of(probs, k++, model.classNames());
            ready.add(append(rows.get(i), added));
        }
    }

    private static Row append(Row r, Object[] added) {
        Object[] values = new Object[r.size() + added.length];
        for (int i = 0; i < r.size(); i++) values[i] = r.get(i);
        System.arraycopy(added, 0, values, r.size(), added.length);
        return RowFactory.create(values);
    }
}
