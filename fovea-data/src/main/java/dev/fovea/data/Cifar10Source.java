package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.data.pipeline.Examples;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CIFAR-10 binary folder, as the cifar-10-binary.tar.gz archive unpacks it
 * (cifar-10-batches-bin/): data_batch_1.bin to data_batch_5.bin for training, test_batch.bin for
 * testing, batches.meta.txt naming the classes. The training batches present must be numbered
 * from 1 without gaps (a subset such as batches 1 and 2 is fine). Pipelines hold the pixels as
 * bytes (150 MB for the training set instead of 600 MB of floats).
 */
final class Cifar10Source implements StreamingSource {
    static final String META = "batches.meta.txt", TEST = "test_batch.bin", ARCHIVE_DIR = "cifar-10-batches-bin";

    private final Path dir;
    private final List<Path> trainFiles;
    private final Path testFile;
    private final List<String> classNames;   // null: from batches.meta.txt, or CIFAR-10's
    private final DataOptions options;

    Cifar10Source(Path dir, List<String> classNames, DataOptions options) {
        this.dir = dir;
        this.options = options;
        this.classNames = classNames == null ? null : List.copyOf(classNames);
        List<Path> train = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Path p = dir.resolve("data_batch_" + i + ".bin");
            if (Files.isRegularFile(p)) {
                if (train.size() != i - 1) throw new FoveaException(dir + ": data_batch_" + i + ".bin is there but data_batch_" + (train.size() + 1)
                        + ".bin is missing; training batches are numbered from 1 without gaps");
                train.add(p);
            }
        }
        this.testFile = dir.resolve(TEST);
        List<String> missing = new ArrayList<>();
        if (train.isEmpty()) missing.add("data_batch_1.bin");
        if (!Files.isRegularFile(testFile)) missing.add(TEST);
        if (!missing.isEmpty()) {
            throw new FoveaException(dir + ": missing " + String.join(", ", missing) + "; a CIFAR-10 folder holds data_batch_1.bin .."
                    + " data_batch_5.bin and test_batch.bin (the binary version)");
        }
        this.trainFiles = List.copyOf(train);
        if (options.image().resizes() || options.image().colorMode() == ColorMode.GRAYSCALE) {
            throw new FoveaException(dir + ": CIFAR-10 images are 32x32 RGB; image size and grayscale options do not apply");
        }
    }

    /** Whether dir holds CIFAR-10 batches. */
    static boolean isCifarFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("data_batch_1.bin")) || Files.isRegularFile(dir.resolve(TEST));
    }

    @Override public String description() {
        return "CIFAR-10 in " + dir + " (" + trainFiles.size() + " training batch" + (trainFiles.size() == 1 ? "" : "es") + ")";
    }

    private List<String> names() {
        if (classNames != null) return classNames;
        Path meta = dir.resolve(META);
        return Files.isRegularFile(meta) ? Cifar10.readClassNames(meta) : Cifar10.CLASS_NAMES;
    }

    @Override public Streams open() {
        List<String> names = names();
        Cifar10.Records train = Cifar10.read(trainFiles, names.size()), test = Cifar10.read(List.of(testFile), names.size());
        Shape shape = Shape.of(Cifar10.SIDE, Cifar10.SIDE, Cifar10.CHANNELS);
        Examples tr = Examples.ofBytes(train.pixels(), shape, train.labels(), "CIFAR-10 training batches in " + dir);
        Examples te = Examples.ofBytes(test.pixels(), shape, test.labels(), testFile.toString());
        return new Streams(options.pipeline(tr), options.pipeline(te).withoutAugmentation(), names, description());
    }

    @Override public TrainTest load() {
        List<String> names = names();
        return new TrainTest(dataset(Cifar10.read(trainFiles, names.size()), names), dataset(Cifar10.read(List.of(testFile), names.size()), names));
    }

    private static Dataset dataset(Cifar10.Records r, List<String> names) {
        byte[] px = r.pixels();
        float[] f = new float[px.length];                  // (N, 32, 32, 3)
        for (int i = 0; i < px.length; i++) f[i] = (px[i] & 0xFF) / 255f;
        return new Dataset(Tensor.of(f, r.size(), Cifar10.SIDE, Cifar10.SIDE, Cifar10.CHANNELS), r.labels(), names);
    }
}
