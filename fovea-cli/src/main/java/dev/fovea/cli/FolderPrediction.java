package dev.fovea.cli;

import dev.fovea.data.ImageFileWalker;
import dev.fovea.data.ImageInput;
import dev.fovea.data.ImageLoader;
import dev.fovea.json.Json;
import dev.fovea.model.Model;
import dev.fovea.predict.PredictionInput;
import dev.fovea.predict.PredictionResult;
import dev.fovea.predict.PredictionStream;
import dev.fovea.predict.StreamingPredictor;
import dev.fovea.train.ClassifierOutput;
import dev.fovea.train.ProgressBar;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streaming side of {@code fovea predict}: walks the operands ({@link ImageFileWalker}), skips
 * the images a resumed output already has, predicts the rest with a {@link StreamingPredictor}
 * (decoding on background threads, batches at a fixed size) and appends each batch's rows to the
 * output, flushed, while a progress bar runs on standard error. A summary line (or object under
 * --json) goes to standard output when the rows go to a file.
 */
final class FolderPrediction {
    private FolderPrediction() {}

    static int run(PredictCommand c) {
        if (c.batchSize != null && c.batchSize < 1) throw new CliException("--batch-size must be >= 1, got " + c.batchSize);
        if (c.decodeThreads < 1) throw new CliException("--decode-threads must be >= 1, got " + c.decodeThreads);
        boolean toStdout = c.output == null || c.output.equals("-");
        PredictionOutput.Format format = format(c, toStdout);
        if (toStdout && (c.resume || c.overwrite)) throw new CliException((c.resume ? "--resume" : "--overwrite") + " needs an --output file");
        if (c.resume && c.overwrite) throw new CliException("--resume and --overwrite contradict each other; pick one");

        Model m = ModelSource.trained(c.model).model();
        StreamingPredictor predictor = new StreamingPredictor(m).topK(c.topK).readers(c.decodeThreads);
        if (c.batchSize != null) predictor.batchSize(c.batchSize);
        ClassifierOutput output = m.output();
        List<String> classes = output.classNames();
        int k = Math.min(c.topK, classes.size());

        long total = ImageFileWalker.countFiles(c.images);
        ImageFileWalker walker = new ImageFileWalker(c.images, c.strict);
        PredictionOutput out;
        DoneSet done = null;
        if (toStdout) {
            out = PredictionOutput.to(c.common.out(), format, classes, k, c.allProbabilities);
        } else if (c.resume) {
            PredictionOutput.Resumed r = PredictionOutput.resume(Path.of(c.output), format, classes, k, c.allProbabilities);
            out = r.output();
            done = r.done();
            c.common.err().println(c.output + ": resuming after " + done.size() + " rows"
                    + (r.truncated() ? " (a last row cut short was dropped)" : ""));
        } else {
            out = PredictionOutput.create(Path.of(c.output), format, classes, k, c.allProbabilities, c.overwrite);
        }
        AtomicLong alreadyDone = new AtomicLong();
        Iterator<Path> todo = done == null ? walker : without(walker, done, alreadyDone);
        Iterator<PredictionInput> inputs = ImageInput.of(todo, m.inputShape(), new ImageLoader(c.maxPixels));

        c.common.err().println("predict: model output: " + output.description() + "; batches of " + predictor.batchSize());
        ProgressBar bar = progress(c).title("predict");
        bar.onTrainBegin(1, (int) Math.min(Integer.MAX_VALUE, total), predictor.batchSize());
        bar.onEpochBegin(0);
        long start = System.nanoTime(), written = 0, errors = 0;
        try (out; PredictionStream stream = predictor.predict(inputs)) {
            for (List<PredictionResult> batch; (batch = stream.nextBatch()) != null; ) {
                for (PredictionResult r : batch) {
                    if (!r.ok() && c.strict) {
                        out.flush();
                        throw new CliException(r.name() + ": " + r.error() + " (refused under --strict; without it such files get a row with their error)");
                    }
                    out.write(r);
                    written++;
                    if (!r.ok()) errors++;
                }
                out.flush();
                bar.onBatchEnd(0, (int) Math.min(Integer.MAX_VALUE, written + alreadyDone.get() + walker.skipped()), Map.of());
            }
            bar.onEpochEnd(0, Map.of());
            double secs = (System.nanoTime() - start) / 1e9;
            report(c, toStdout, stream.stats(), written, errors, alreadyDone.get(), walker, secs, predictor.batchSize(), output);
        }
        return 0;   // on an exception, the rows of every finished batch stay in the output: each was flushed
    }

    private static PredictionOutput.Format format(PredictCommand c, boolean toStdout) {
        if (c.format != null) {
            return switch (c.format.toLowerCase(Locale.ROOT)) {
                case "csv" -> PredictionOutput.Format.CSV;
                case "jsonl", "ndjson" -> PredictionOutput.Format.JSONL;
                default -> throw new CliException("--format " + c.format + ": not a results format; use csv or jsonl");
            };
        }
        if (toStdout) return c.common.json ? PredictionOutput.Format.JSONL : PredictionOutput.Format.CSV;
        PredictionOutput.Format f = PredictionOutput.Format.of(c.output);
        if (f == null) throw new CliException("--output " + c.output + ": name it .csv or .jsonl, or give --format csv|jsonl");
        return f;
    }

    /** The paths of walk that done lacks; counts the others. */
    private static Iterator<Path> without(Iterator<Path> walk, DoneSet done, AtomicLong skipped) {
        return new Iterator<>() {
            private Path next;

            @Override public boolean hasNext() {
                while (next == null && walk.hasNext()) {
                    Path p = walk.next();
                    if (done.contains(p.toString())) skipped.incrementAndGet();
                    else next = p;
                }
                return next != null;
            }

            @Override public Path next() {
                if (!hasNext()) throw new NoSuchElementException();
                Path p = next;
                next = null;
                return p;
            }
        };
    }

    private static ProgressBar progress(PredictCommand c) {
        var console = System.console();
        return new ProgressBar(c.common.err(), console != null && console.isTerminal(), 30);
    }

    private static void report(PredictCommand c, boolean toStdout, PredictionStream.Stats s, long written, long errors,
                               long resumed, ImageFileWalker walker, double secs, int batch, ClassifierOutput output) {
        String skipped = walker.skippedSummary();
        if (!skipped.isEmpty()) c.common.err().println("predict: " + skipped + " (--strict refuses them)");
        if (toStdout) return;   // standard output holds the rows
        if (c.common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", c.model);
            j.put("output", c.output);
            j.put("model_output", output.description());
            j.put("softmax_applied", output.appliesSoftmax());
            j.put("images", written);
            j.put("errors", errors);
            j.put("skipped_not_images", walker.skipped());
            j.put("already_done", resumed);
            j.put("batch_size", batch);
            j.put("seconds", secs);
            j.put("images_per_second", written / Math.max(secs, 1e-9));
            j.put("decode_seconds", s.readNanos() / 1e9);
            j.put("inference_seconds", s.inferNanos() / 1e9);
            j.put("waiting_for_decode_seconds", s.waitNanos() / 1e9);
            c.common.out().println(Json.writePretty(j));
        } else {
            c.common.out().printf(Locale.ROOT, "predicted %,d images in %.1f s (%.0f img/s, batch %d): %,d errors, %,d non-image files skipped%s; rows in %s%n",
                    written, secs, written / Math.max(secs, 1e-9), batch, errors, walker.skipped(),
                    resumed > 0 ? String.format(Locale.ROOT, ", %,d already done", resumed) : "", c.output);
            c.common.out().printf(Locale.ROOT, "  decoding %.1f s (background), inference %.1f s, waiting for decoding %.1f s%n",
                    s.readNanos() / 1e9, s.inferNanos() / 1e9, s.waitNanos() / 1e9);
        }
    }
}
