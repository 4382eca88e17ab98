package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.data.pipeline.Examples;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The places Fovea takes a training and test set from, and the {@code --data} spelling of each:
 * {@code embedded} (a Fashion-MNIST subset inside the jar), {@code fashion-mnist} (the full set
 * as Debian installs it) or a directory: of IDX files, of CIFAR-10 binary batches, or of images
 * in one sub-folder per class (see {@link #resolve(String, List, DataOptions)} for how a
 * directory is recognised).
 */
public final class DataSources {
    private DataSources() {}

    public static final String EMBEDDED = "embedded";
    public static final String FASHION_MNIST = "fashion-mnist";

    /** The MNIST file names, without the optional ".gz". */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> STANDARD_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private static final String EMBEDDED_DIR = "fashion-mnist-subset/";

    /**
     * Maps a {@code --data} value to a source: "embedded", "fashion-mnist", or else a directory
     * path. The two keywords win over directories of the same name; write ./fashion-mnist for
     * a folder called that.
     */
    public static DataSource resolve(String spec) {
        return resolve(spec, null);
    }

    /** As {@link #resolve(String)}, naming the classes instead of recognising them (null: recognise). */
    public static DataSource resolve(String spec, List<String> classNames) {
        return resolve(spec, classNames, DataOptions.defaults());
    }

    /**
     * Maps a {@code --data} value to a source. A directory is recognised by what it holds, first
     * match wins: any of the four MNIST-layout IDX file names (then all four are required, as
     * before); data_batch_1.bin or test_batch.bin (CIFAR-10 binary), directly or in a
     * cifar-10-batches-bin sub-folder (the unpacked archive); otherwise any sub-folder not
     * starting with '.' makes it an image folder, laid out as train/ and test/ (or val/,
     * validation/) class trees, or as one class tree split by {@code options}. Class names can be
     * given for IDX and CIFAR-10; image folders take theirs from the sub-folder names.
     */
    public static DataSource resolve(String spec, List<String> classNames, DataOptions options) {
        switch (spec) {
            case EMBEDDED: return embedded(classNames);
            case FASHION_MNIST: return classNames == null ? fashionMnist() : fashionMnist(FashionMnist.DEBIAN_DIR, classNames);
            default: break;
        }
        Path dir;
        try {
            dir = Path.of(spec);
        } catch (InvalidPathException e) {
            throw new FoveaException("'" + spec + "': not a data source; accepted are " + ACCEPTED);
        }
        if (!Files.exists(dir)) {
            throw new FoveaException("'" + spec + "': no such directory; accepted are " + ACCEPTED);
        }
        if (!Files.isDirectory(dir)) {
            throw new FoveaException(dir + ": not a directory; accepted are " + ACCEPTED);
        }
        if (STANDARD_NAMES.stream().anyMatch(n -> find(dir, n) != null)) return idxDirectory(dir, classNames);
        if (Cifar10Source.isCifarFolder(dir)) return new Cifar10Source(dir, classNames, options);
        Path unpacked = dir.resolve(Cifar10Source.ARCHIVE_DIR);
        if (Files.isDirectory(unpacked) && Cifar10Source.isCifarFolder(unpacked)) return new Cifar10Source(unpacked, classNames, options);
        if (hasSubfolder(dir)) {
            if (classNames != null) {
                throw new FoveaException(dir + ": an image folder takes its class names from its sub-folders; rename them instead");
            }
            return new ImageFolderSource(dir, options);
        }
        throw new FoveaException(dir + ": not a data folder: it holds no IDX files (" + String.join(", ", STANDARD_NAMES)
                + "), no CIFAR-10 batches (data_batch_1.bin .. test_batch.bin) and no class sub-folders of images");
    }

    /** What --data accepts, for messages. */
    private static final String ACCEPTED = EMBEDDED + ", " + FASHION_MNIST + " or a directory of IDX files, CIFAR-10 binary"
            + " batches, or images in one sub-folder per class";

    private static boolean hasSubfolder(Path dir) {
        try (var ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (!p.getFileName().toString().startsWith(".") && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return true;
            }
            return false;
        } catch (java.io.IOException e) {
            throw new FoveaException(dir + ": cannot list (" + Errors.detail(e) + ")", e);
        }
    }

    /** A CIFAR-10 binary folder (data_batch_1.bin .. data_batch_5.bin, test_batch.bin, batches.meta.txt). */
    public static DataSource cifar10(Path dir) {
        return new Cifar10Source(dir, null, DataOptions.defaults());
    }

    /** Images in class sub-folders (a train/test tree or one tree to split), read with options. */
    public static DataSource imageFolder(Path dir, DataOptions options) {
        if (!Files.isDirectory(dir)) throw new FoveaException(dir + ": not a directory; an image folder holds one sub-folder of images per class");
        return new ImageFolderSource(dir, options);
    }

    /**
     * The source's training and test parts as pipelines. Image folders and CIFAR-10 stream with
     * the options they were resolved with; IDX sources (embedded, fashion-mnist, IDX folders)
     * stream their bytes, and any other source its loaded tensors, with these options' workers,
     * prefetch and augmentation.
     */
    public static Streams open(DataSource source, DataOptions options) {
        if (source instanceof StreamingSource s) return s.open();
        if (source instanceof IdxSource idx) return IdxStreams.open(idx, options);
        TrainTest tt = source.load();
        return new Streams(options.pipeline(Examples.of(tt.train().images(), tt.train().labels())),
                options.pipeline(Examples.of(tt.test().images(), tt.test().labels())).withoutAugmentation(),
                tt.train().classNames(), source.description());
    }

    /** The class-balanced Fashion-MNIST subset inside the jar: 9000 training and 2000 test images. */
    public static DataSource embedded() {
        return embedded(null);
    }

    private static DataSource embedded(List<String> classNames) {
        List<IdxSource.Input> in = new ArrayList<>();
        for (String name : STANDARD_NAMES) {
            String resource = EMBEDDED_DIR + name + ".gz";
            String label = "embedded:" + name + ".gz";
            in.add(new IdxSource.Input(label, () -> {
                InputStream s = DataSources.class.getResourceAsStream(resource);
                if (s == null) {
                    throw new FoveaException(label + ": missing from the classpath; the fovea-data jar is incomplete");
                }
                return s;
            }));
        }
        return new IdxSource("embedded Fashion-MNIST subset", in.get(0), in.get(1), in.get(2), in.get(3),
                classNames != null ? classNames : FashionMnist.CLASS_NAMES);
    }

    /** Full Fashion-MNIST (60000 training, 10000 test images) where Debian installs it. */
    public static DataSource fashionMnist() {
        return fashionMnist(FashionMnist.DEBIAN_DIR, FashionMnist.CLASS_NAMES);
    }

    /** Full Fashion-MNIST from another folder laid out as Debian's. */
    public static DataSource fashionMnist(Path dir, List<String> classNames) {
        List<String> missing = new ArrayList<>();
        List<Path> found = new ArrayList<>();
        for (String name : STANDARD_NAMES) {
            Path p = find(dir, name);
            if (p == null) missing.add(name + ".gz");
            found.add(p);
        }
        if (!missing.isEmpty()) {
            throw new FoveaException("Fashion-MNIST not found in " + dir + " (missing " + String.join(", ", missing)
                    + "): install it with `sudo apt-get install " + FashionMnist.DEBIAN_PACKAGE + "` or give the folder that holds it (DataSources.fashionMnist(dir, classNames))");
        }
        return fromFiles("Fashion-MNIST in " + dir, found, classNames);
    }

    /**
     * A folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte
     * and t10k-labels-idx1-ubyte, each gzipped (.gz) or not. Classes are named as Fashion-MNIST's
     * when the labels are the official Fashion-MNIST labels, and "0" to "9" otherwise.
     */
    public static DataSource idxDirectory(Path dir) {
        return idxDirectory(dir, null);
    }

    /** As {@link #idxDirectory(Path)}, with the name of each label (null: recognise). */
    public static DataSource idxDirectory(Path dir, List<String> classNames) {
        if (!Files.isDirectory(dir)) {
            throw new FoveaException(dir + ": not a directory; a data folder holds " + String.join(", ", STANDARD_NAMES)
                    + " (each optionally .gz)");
        }
        List<String> missing = new ArrayList<>();
        List<Path> found = new ArrayList<>();
        for (String name : STANDARD_NAMES) {
            Path p = find(dir, name);
            if (p == null) missing.add(name + "[.gz]");
            found.add(p);
        }
        if (!missing.isEmpty()) {
            throw new FoveaException(dir + ": missing " + String.join(", ", missing) + "; a data folder holds "
                    + String.join(", ", STANDARD_NAMES) + " (each optionally .gz)");
        }
        return fromFiles("IDX files in " + dir, found, classNames);
    }

    /**
     * The file for a standard name, plain or gzipped. When both exist (after {@code gunzip -k})
     * the plain one is taken: it is the same data and needs no decompression.
     */
    private static Path find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) return plain;
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    private static DataSource fromFiles(String description, List<Path> files, List<String> classNames) {
        List<IdxSource.Input> in = files.stream()
                .map(p -> new IdxSource.Input(p.toString(), () -> Files.newInputStream(p)))
                .toList();
        return new IdxSource(description, in.get(0), in.get(1), in.get(2), in.get(3),
                classNames == null ? null : List.copyOf(classNames));
    }
}
