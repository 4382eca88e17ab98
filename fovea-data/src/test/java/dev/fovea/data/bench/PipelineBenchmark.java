package dev.fovea.data.bench;

import dev.fovea.data.DataOptions;
import dev.fovea.data.DataSources;
import dev.fovea.data.Dataset;
import dev.fovea.data.ImageFolder;
import dev.fovea.data.PngWriter;
import dev.fovea.data.TrainTest;
import dev.fovea.data.pipeline.Examples;
import dev.fovea.data.pipeline.StreamingData;
import dev.fovea.nn.ExampleTransform;
import dev.fovea.nn.ForwardContext;
import dev.fovea.nn.Layer;
import dev.fovea.model.Presets;
import dev.fovea.nn.RandomFlip;
import dev.fovea.nn.RandomRotation;
import dev.fovea.nn.RandomTranslation;
import dev.fovea.model.Sequential;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.Batch;
import dev.fovea.train.BatchIterator;
import dev.fovea.train.FitOptions;
import dev.fovea.train.InMemoryData;
import dev.fovea.train.TrainingData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Input-pipeline throughput, alone and feeding training of the course-notes model with
 * augmentation layers, from in-memory tensors, from IDX bytes and from a folder of PNGs (cached
 * and decoding every epoch). Not a unit test: run by hand, see the report in the pipeline notes.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -Xmx6g -cp fovea-core/target/classes:fovea-data/target/classes:fovea-data/target/test-classes \
 *        dev.fovea.data.bench.PipelineBenchmark [folderDir] [rounds] [trainImages] [trainRounds]
 * </pre>
 * Variants are interleaved round by round and each figure is the median of the rounds, so a
 * machine whose load drifts (this one is shared) biases every variant alike.
 */
public final class PipelineBenchmark {
    private static final int BATCH = 64;

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args.length > 0 ? args[0] : "/tmp/fovea-bench-png");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int trainRounds = args.length > 3 ? Integer.parseInt(args[3]) : 11;
        int trainImages = args.length > 2 ? Integer.parseInt(args[2]) : 3200;
        int folderImages = 20_000;
        TrainTest fm = DataSources.fashionMnist().load();
        exportOnce(fm.train(), folderImages, folder);
        System.out.printf(Locale.ROOT, "cores %d, pool threads %d, default data workers %d, load %s%n",
                Runtime.getRuntime().availableProcessors(), dev.fovea.tensor.Parallel.threads(), StreamingData.defaultWorkers(), load());

        // Sources: the first folderImages training images, as floats, as bytes, as PNG files.
        Tensor x = slice(fm.train().images(), folderImages);
        int[] y = Arrays.copyOf(fm.train().labels(), folderImages);
        byte[] bytes = new byte[x.size()];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) Math.round(x.data()[i] * 255);
        Examples idx = Examples.ofBytes(bytes, x.shape().dropBatch(), y, "idx");
        ImageFolder uncached = ImageFolder.open(folder, DataOptions.defaults().cacheBytes(0).verify(false));
        ImageFolder cached = ImageFolder.open(folder, DataOptions.defaults());   // verified: decoded once into the cache
        List<ExampleTransform> aug = List.of(new RandomFlip("horizontal"), new RandomTranslation(0.1, 0.1), new RandomRotation(0.05));

        System.out.println("\n== pipeline alone: images/s draining batches of " + BATCH + " (median of " + rounds + ") ==");
        Map<String, Supplier<TrainingData>> alone = new LinkedHashMap<>();
        alone.put("in-memory tensors (InMemoryData)", () -> new InMemoryData(x, y));
        alone.put("IDX bytes, 1 worker", () -> StreamingData.from(idx).workers(1).build());
        alone.put("IDX bytes + pipeline augmentation, 1 worker", () -> StreamingData.from(idx).transforms(aug).workers(1).build());
        alone.put("PNG folder, cached, 1 worker", () -> StreamingData.from(cached.examples()).workers(1).build());
        alone.put("PNG folder, decode every epoch, 1 worker", () -> StreamingData.from(uncached.examples()).workers(1).build());
        alone.put("PNG folder, decode every epoch, 2 workers", () -> StreamingData.from(uncached.examples()).workers(2).build());
        alone.put("PNG folder, decode + pipeline augmentation, 1 worker", () -> StreamingData.from(uncached.examples()).transforms(aug).workers(1).build());
        report(alone, rounds, PipelineBenchmark::drain);

        System.out.println("\n== augmentation layers alone (flip, translation 0.1, rotation 0.05), training mode ==");
        augmentationLayers(x, rounds);

        System.out.println("\n== training the notes model with augmentation layers, " + trainImages + " images x 2 epochs, batch " + BATCH
                + ": images/s (" + trainRounds + " rounds) ==");
        int[] first = new int[trainImages];
        for (int i = 0; i < trainImages; i++) first[i] = i;
        int[] firstFiles = sameImages(cached.examples(), trainImages);
        Tensor xs = slice(x, trainImages);
        int[] ys = Arrays.copyOf(y, trainImages);
        Map<String, Supplier<TrainingData>> train = new LinkedHashMap<>();
        train.put("in-memory tensors (InMemoryData)", () -> new InMemoryData(xs, ys));
        train.put("IDX bytes, 1 worker", () -> StreamingData.from(Examples.subset(idx, first)).workers(1).build());
        train.put("PNG folder, cached, 1 worker", () -> StreamingData.from(Examples.subset(cached.examples(), firstFiles)).workers(1).build());
        train.put("PNG folder, decode every epoch, 1 worker", () -> StreamingData.from(Examples.subset(uncached.examples(), firstFiles)).workers(1).build());
        train.put("PNG folder, decode every epoch, 2 workers", () -> StreamingData.from(Examples.subset(uncached.examples(), firstFiles)).workers(2).build());
        train.put("PNG folder, decode + augmentation on the worker *", () -> StreamingData.from(Examples.subset(uncached.examples(), firstFiles)).transforms(aug).workers(1).build());
        train.put("in-memory tensors, no augmentation at all *", () -> new InMemoryData(xs, ys));
        reportRatios(train, trainRounds, (name, d) -> train(d, !name.endsWith("*")));
        System.out.println("  * without augmentation layers in the model");
        System.out.printf(Locale.ROOT, "load at the end %s%n", load());
    }

    @FunctionalInterface
    interface Measure {
        double imagesPerSecond(TrainingData d);
    }

    private static void report(Map<String, Supplier<TrainingData>> variants, int rounds, Measure m) {
        Map<String, List<Double>> results = new LinkedHashMap<>();
        for (String k : variants.keySet()) results.put(k, new ArrayList<>());
        for (String k : variants.keySet()) m.imagesPerSecond(open(variants.get(k)));   // warm-up
        for (int r = 0; r < rounds; r++) {
            for (var e : variants.entrySet()) results.get(e.getKey()).add(m.imagesPerSecond(open(e.getValue())));
        }
        double base = -1;
        for (var e : results.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            double med = v.get(v.size() / 2);
            if (base < 0) base = med;
            System.out.printf(Locale.ROOT, "  %-52s %9.0f img/s  (%+.1f%% vs first; runs %s)%n", e.getKey(), med, 100 * (med / base - 1),
                    v.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList());
        }
    }

    @FunctionalInterface
    interface NamedMeasure {
        double imagesPerSecond(String name, TrainingData d);
    }

    /**
     * Each round measures every variant once, in an order rotated round by round; a variant's
     * figure is the median over rounds of its rate divided by the first variant's rate in the
     * same round, which cancels most of the drift of a shared machine's load.
     */
    private static void reportRatios(Map<String, Supplier<TrainingData>> variants, int rounds, NamedMeasure m) {
        List<String> names = new ArrayList<>(variants.keySet());
        Map<String, List<Double>> rates = new LinkedHashMap<>(), cpu = new LinkedHashMap<>();
        for (String k : names) {
            rates.put(k, new ArrayList<>());
            cpu.put(k, new ArrayList<>());
        }
        for (String k : names) m.imagesPerSecond(k, open(variants.get(k)));   // warm-up
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < names.size(); j++) {
                String k = names.get((j + r) % names.size());
                rates.get(k).add(m.imagesPerSecond(k, open(variants.get(k))));
                cpu.get(k).add(lastCpuPerImage);
            }
        }
        String first = names.get(0);
        for (String k : names) {
            List<Double> v = new ArrayList<>(rates.get(k));
            v.sort(null);
            double[] wall = ratios(rates.get(k), rates.get(first), true), c = ratios(cpu.get(k), cpu.get(first), false);
            System.out.printf(Locale.ROOT, "  %-50s %6.0f img/s; wall time %+5.1f%% [%+.1f, %+.1f]; CPU time per image %+5.1f%% [%+.1f, %+.1f]%n",
                    k, v.get(rounds / 2), wall[1], wall[0], wall[2], c[1], c[0], c[2]);
        }
        System.out.println("  (changes vs the first line: median of per-round ratios [quartiles]; + is slower)");
    }

    /** Quartiles and median, in percent, of per-round a/b (time: rates inverted). */
    private static double[] ratios(List<Double> a, List<Double> b, boolean rates) {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = 100 * ((rates ? b.get(i) / a.get(i) : a.get(i) / b.get(i)) - 1);
        Arrays.sort(r);
        return new double[] {r[r.length / 4], r[r.length / 2], r[(3 * r.length) / 4]};
    }

    private static TrainingData open(Supplier<TrainingData> s) {
        return s.get();
    }

    private static double drain(TrainingData d) {
        long t0 = System.nanoTime();
        long seen = 0;
        for (int epoch = 0; epoch < 2; epoch++) {
            try (BatchIterator it = d.batches(1, epoch, BATCH, true, 0)) {
                for (Batch b = it.next(); b != null; b = it.next()) seen += b.size();
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (d instanceof AutoCloseable c) close(c);
        return seen / secs;
    }

    /** CPU seconds per image of the last {@link #train} call, all threads of the process. */
    private static double lastCpuPerImage;

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double train(TrainingData d, boolean augmentationLayers) {
        Sequential m = new Sequential();
        if (augmentationLayers) {
            m.add(new RandomFlip("horizontal"));
            m.add(new RandomTranslation(0.1, 0.1));
            m.add(new RandomRotation(0.05));
        }
        for (Layer l : Presets.get("notes").factory().get().layers()) m.add(l);
        m.seed(1).build(28, 28, 1);
        m.compile(new Adam(0.001), "sparse_categorical_crossentropy", "accuracy");
        long t0 = System.nanoTime(), c0 = processCpuNanos();
        m.trainer().fit(d, FitOptions.epochs(2).batchSize(BATCH).seed(3));
        double secs = (System.nanoTime() - t0) / 1e9;
        lastCpuPerImage = (processCpuNanos() - c0) / 1e9 / (2.0 * d.size());
        if (d instanceof AutoCloseable c) close(c);
        return 2.0 * d.size() / secs;
    }

    private static void augmentationLayers(Tensor x, int rounds) {
        Sequential m = Sequential.of(new RandomFlip("horizontal"), new RandomTranslation(0.1, 0.1), new RandomRotation(0.05));
        m.build(28, 28, 1);
        Tensor batch = slice(x, BATCH);
        ForwardContext ctx = ForwardContext.training(new SplittableRandom(1));
        for (int i = 0; i < 200; i++) m.forward(batch, ctx);
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            int steps = 500;
            for (int i = 0; i < steps; i++) m.forward(batch, ctx);
            rates[r] = steps * BATCH / ((System.nanoTime() - t0) / 1e9);
        }
        Arrays.sort(rates);
        System.out.printf(Locale.ROOT, "  forward of the three layers on batches of %d: %.0f img/s (%.1f us per image)%n",
                BATCH, rates[rounds / 2], 1e6 / rates[rounds / 2]);
    }

    /** The folder indices of training images 0..n-1 (files are named by their index, sorted by class). */
    private static int[] sameImages(Examples folder, int n) {
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < folder.size(); i++) {
            String name = Path.of(folder.describe(i)).getFileName().toString();
            if (Integer.parseInt(name.substring(0, name.indexOf('.'))) < n) out[k++] = i;
        }
        if (k != n) throw new IllegalStateException("found " + k + " of " + n + " images in the folder");
        return out;
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Tensor slice(Tensor x, int n) {
        int per = x.shape().dropBatch().size();
        return new Tensor(x.shape().dropBatch().withBatch(n), Arrays.copyOf(x.data(), n * per));
    }

    private static void exportOnce(Dataset d, int n, Path dir) throws IOException {
        Path done = dir.resolve(".complete-" + n);
        if (Files.exists(done)) return;
        System.out.println("writing " + n + " PNGs to " + dir + " (once)");
        for (int i = 0; i < n; i++) {
            Path f = dir.resolve("class" + d.label(i)).resolve(String.format(Locale.ROOT, "%05d.png", i));
            Files.createDirectories(f.getParent());
            PngWriter.write(d.image(i), f);
        }
        Files.createFile(done);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
