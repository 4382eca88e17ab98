package dev.fovea.serve;

import dev.fovea.FoveaException;
import dev.fovea.io.ModelFile;
import dev.fovea.nn.Layer;
import dev.fovea.model.Model;
import dev.fovea.train.ClassifierOutput;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A model the server answers for, loaded once at start-up (the server never loads or fetches a
 * model at run time). One instance serves both the micro-batcher's worker and the visualisation
 * endpoint: forward passes keep their buffers in each thread's workspace (see
 * dev.fovea.nn.Workspace), so they can run at once. Visualisation also runs backward passes, which
 * write parameter gradients (never read by inference), so they take turns behind a lock.
 */
final class ServedModel implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    final String name;
    final Path file;
    final Model model;
    final ClassifierOutput output;   // probabilities or logits, and the class names
    private final Model vizModel;
    private final ReentrantLock vizLock = new ReentrantLock();
    MicroBatcher batcher;

    private ServedModel(String name, Path file, Model model, Model vizModel) {
        this.name = name;
        this.file = file;
        this.model = model;
        this.output = model.output();
        this.vizModel = vizModel;
    }

    /** Loads {@code file} under {@code name} (letters, digits, '_', '.', '-'; used in URLs). */
    static ServedModel load(String name, Path file) {
        if (!NAME.matcher(name).matches()) {
            throw new FoveaException("model name \"" + name + "\" is not allowed; use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        if (!Files.isRegularFile(file)) throw new FoveaException(file + ": no such model file");
        Model m = ModelFile.load(file).model();
        if (m.outputShape().rank() != 1) {
            throw new FoveaException(file + ": the server answers classifiers, whose output is (classes,); this model outputs " + m.outputShape());
        }
        return new ServedModel(name, file, m, m);
    }

    /** A model built in memory (tests); visualisation may run on the same instance or on another. */
    static ServedModel of(String name, Model model, Model vizModel) {
        return new ServedModel(name, null, model, vizModel);
    }

    int classes() { return model.outputShape().dim(0); }

    String label(int i) { return output.className(i); }

    List<String> labels() { return output.classNames(); }

    /** Runs {@code work} on the visualisation instance, waiting at most {@code waitNanos} for it. */
    <T> T withVizModel(long waitNanos, java.util.function.Function<Model, T> work) {
        boolean locked;
        try {
            locked = vizLock.tryLock(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpError.timedOut("interrupted while waiting for the visualisation model");
        }
        if (!locked) throw HttpError.overloaded("model " + name + ": the visualisation model is busy; retry shortly");
        try {
            return work.apply(vizModel);
        } finally {
            vizLock.unlock();
        }
    }

    /** What GET /v1/models tells about this model. */
    Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("input_shape", model.inputShape().toArray());
        d.put("classes", classes());
        d.put("labels", labels());
        d.put("output", output.description());
        d.put("softmax_applied", output.appliesSoftmax());
        d.put("parameters", model.parameterCount());
        List<Object> layers = new ArrayList<>();
        for (Layer l : model.layers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("class_name", l.className());
            m.put("output_shape", l.outputShape().toArray());
            m.put("params", l.parameterCount());
            layers.add(m);
        }
        d.put("layers", layers);
        d.put("summary", model.summary());
        d.put("endpoints", Map.of("predict", "/v1/models/" + name + ":predict", "visualize", "/v1/models/" + name + ":visualize"));
        return d;
    }

    @Override public void close() {
        if (batcher != null) batcher.close();
    }
}
