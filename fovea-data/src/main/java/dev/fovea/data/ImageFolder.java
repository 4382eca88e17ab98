package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.data.pipeline.CachedExamples;
import dev.fovea.data.pipeline.Examples;
import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.Shape;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A tree of images with one sub-folder per class, as Keras's image_dataset_from_directory reads
 * it. Class names are the sub-folder names, sorted; every file below a class folder, at any
 * depth, belongs to that class; files and folders whose names start with '.' are ignored, as are
 * files directly in the root; symbolic links to folders are not followed (no cycles), links to
 * files are. Files are taken in sorted order of their paths, so the example indices, and with them
 * splits and shuffles, are the same on every machine.
 *
 * <p>Every file's header is read first (in parallel; see {@link ImageProbe}); files that are not
 * PNG, JPEG, BMP or GIF, or whose header is unreadable or too large, are skipped and reported (or
 * refused under strict). Without a target size all images must have the same size, and the error
 * names two that differ. When asked (by default, when the decoded folder fits the cache), every
 * image is then decoded once, filling the cache and catching files whose pixel data is corrupt,
 * which are skipped as well. A class left without images is an error.
 */
public final class ImageFolder {
    /** A file left out and why (the reason begins with the file's path). */
    public record Skipped(Path file, String reason) {}

    private static final int REPORTED = 5;

    private final Path root;
    private final List<String> classNames;
    private final Examples examples;
    private final CachedExamples cache;   // null when off
    private final List<Skipped> skipped;
    private final int files;

    private ImageFolder(Path root, List<String> classNames, Examples examples, CachedExamples cache, List<Skipped> skipped, int files) {
        this.root = root;
        this.classNames = classNames;
        this.examples = examples;
        this.cache = cache;
        this.skipped = skipped;
        this.files = files;
    }

    /**
     * Scans root as a training (or single) tree. Under {@code o.strict()} the first unreadable
     * file is an error; otherwise unreadable files are skipped and {@code o.warnings()} gets one
     * line about them.
     */
    public static ImageFolder open(Path root, DataOptions o) {
        return open(root, o, null);
    }

    /**
     * Scans root with the class list and image shape of {@code reference} (a training folder):
     * for the test part of a train/test tree. Its class folders must be among the reference's.
     */
    public static ImageFolder open(Path root, DataOptions o, ImageFolder reference) {
        if (!Files.isDirectory(root)) throw new FoveaException(root + ": not a directory");
        List<String> classes = classFolders(root);
        if (classes.isEmpty()) {
            throw new FoveaException(root + ": no class sub-folders; an image folder holds one sub-folder of images per class");
        }
        List<String> names = reference == null ? classes : reference.classNames;
        List<Path> paths = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        ConcurrentLinkedQueue<Skipped> bad = new ConcurrentLinkedQueue<>();
        for (String c : classes) {
            int label = names.indexOf(c);
            if (label < 0) {
                throw new FoveaException(root.resolve(c) + ": class \"" + c + "\" is not among the training classes " + names);
            }
            for (Path p : filesBelow(root.resolve(c), bad, o.strict())) {
                paths.add(p);
                labelList.add(label);
            }
        }
        int scanned = paths.size() + bad.size();
        // Headers, in parallel: sizes, colour, and which files are images at all.
        int n = paths.size();
        ImageProbe.Header[] headers = new ImageProbe.Header[n];
        String[] errors = new String[n];
        long maxPixels = ImageLoader.DEFAULT_MAX_PIXELS;
        Parallel.forRange(n, 16, (from, to) -> {
            for (int i = from; i < to; i++) {
                try {
                    headers[i] = ImageProbe.probe(paths.get(i), maxPixels);
                } catch (FoveaException e) {
                    errors[i] = e.getMessage();
                }
            }
        });
        List<Integer> good = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (errors[i] == null) good.add(i);
            else reject(new Skipped(paths.get(i), errors[i]), bad, o.strict());
        }
        Shape shape = shape(root, o, reference, paths, headers, good);
        Path[] keptPaths = new Path[good.size()];
        int[] labels = new int[good.size()];
        for (int k = 0; k < keptPaths.length; k++) {
            keptPaths[k] = paths.get(good.get(k));
            labels[k] = labelList.get(good.get(k));
        }
        Examples ex = new ImageFiles(keptPaths, labels, shape, o.image().cropToAspect(), new ImageLoader());
        CachedExamples cache = o.cacheBytes() > 0 ? Examples.cached(ex, o.cacheBytes()) : null;
        if (cache != null) ex = cache;
        boolean verify = o.verify() != null ? o.verify() : cache != null && cache.capacity() == keptPaths.length;
        if (verify) ex = verified(ex, bad, o.strict());
        List<Skipped> skipped = sorted(bad);
        checkClasses(root, classes, names, ex, skipped);
        ImageFolder folder = new ImageFolder(root, names, ex, cache, skipped, scanned);
        if (!skipped.isEmpty()) o.warnings().accept(folder.skippedSummary());
        return folder;
    }

    public Path root() { return root; }
    public List<String> classNames() { return classNames; }

    /** The readable images, labelled by class index. */
    public Examples examples() { return examples; }

    /** The cache of decoded images, or null when it is off. */
    public CachedExamples cache() { return cache; }

    public int size() { return examples.size(); }
    public Shape exampleShape() { return examples.exampleShape(); }
    public List<Skipped> skipped() { return skipped; }

    public int[] labels() {
        int[] y = new int[examples.size()];
        for (int i = 0; i < y.length; i++) y[i] = examples.label(i);
        return y;
    }

    /** "root: skipped 3 of 120 files that are not readable images: a (why), b (why), c (why)"; "" when none were. */
    public String skippedSummary() {
        if (skipped.isEmpty()) return "";
        StringBuilder sb = new StringBuilder(root + ": skipped " + skipped.size() + " of " + files
                + " files that are not readable images (DataOptions.strict refuses them): ");
        for (int i = 0; i < Math.min(REPORTED, skipped.size()); i++) {
            if (i > 0) sb.append("; ");
            sb.append(skipped.get(i).reason());
        }
        if (skipped.size() > REPORTED) sb.append("; and ").append(skipped.size() - REPORTED).append(" more");
        return sb.toString();
    }

    /** Sub-folders of root that are not hidden and not links, sorted by name. */
    private static List<String> classFolders(Path root) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) names.add(name);
            }
        } catch (IOException e) {
            throw new FoveaException(root + ": cannot list (" + Errors.detail(e) + ")", e);
        }
        names.sort(null);
        return names;
    }

    /** Regular files below dir (links to files included), hidden ones and links to folders left out, sorted. */
    private static List<Path> filesBelow(Path dir, ConcurrentLinkedQueue<Skipped> bad, boolean strict) {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    return d.equals(dir) || !d.getFileName().toString().startsWith(".") ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                    if (f.getFileName().toString().startsWith(".")) return FileVisitResult.CONTINUE;
                    if (a.isRegularFile() || (a.isSymbolicLink() && Files.isRegularFile(f))) found.add(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override public FileVisitResult visitFileFailed(Path f, IOException e) {
                    reject(new Skipped(f, f + ": cannot read (" + Errors.detail(e) + ")"), bad, strict);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new FoveaException(dir + ": cannot list (" + Errors.detail(e) + ")", e);
        }
        found.sort(null);
        return found;
    }

    private static void reject(Skipped s, ConcurrentLinkedQueue<Skipped> bad, boolean strict) {
        if (strict) throw new FoveaException(s.reason() + " (refused under DataOptions.strict; without it such files are skipped)");
        bad.add(s);
    }

    /** The example shape: the target size, or the one size every image shares. */
    private static Shape shape(Path root, DataOptions o, ImageFolder reference, List<Path> paths, ImageProbe.Header[] headers, List<Integer> good) {
        if (reference != null) {
            Shape ref = reference.exampleShape();
            if (!o.image().resizes()) {
                for (int i : good) {
                    if (headers[i].height() != ref.dim(0) || headers[i].width() != ref.dim(1)) {
                        throw new FoveaException(root + ": images differ in size: " + paths.get(i) + " is " + headers[i].width() + "x"
                                + headers[i].height() + " but the training images are " + ref.dim(1) + "x" + ref.dim(0)
                                + "; give an image size (DataOptions.imageSize(height, width)) to resize them all");
                    }
                }
            }
            return ref;
        }
        if (good.isEmpty()) return o.image().shape(1, 1, false);   // every class is then empty: reported by checkClasses
        boolean allGray = true;
        ImageProbe.Header first = headers[good.get(0)];
        for (int i : good) {
            ImageProbe.Header h = headers[i];
            allGray &= h.gray();
            if (!o.image().resizes() && (h.width() != first.width() || h.height() != first.height())) {
                throw new FoveaException(root + ": images differ in size: " + paths.get(good.get(0)) + " is " + first.width() + "x"
                        + first.height() + " but " + paths.get(i) + " is " + h.width() + "x" + h.height()
                        + "; give an image size (DataOptions.imageSize(height, width)) to resize them all");
            }
        }
        return o.image().shape(first.height(), first.width(), allGray);
    }

    /** Decodes every example once (filling the cache); those that fail are rejected and left out. */
    private static Examples verified(Examples ex, ConcurrentLinkedQueue<Skipped> bad, boolean strict) {
        int n = ex.size(), size = ex.exampleShape().size();
        String[] errors = new String[n];
        Parallel.forRange(n, 16, (from, to) -> {
            float[] scratch = new float[size];
            for (int i = from; i < to; i++) {
                try {
                    ex.read(i, scratch, 0);
                } catch (FoveaException e) {
                    errors[i] = e.getMessage();
                }
            }
        });
        List<Integer> ok = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (errors[i] == null) ok.add(i);
            else reject(new Skipped(Path.of(ex.describe(i)), errors[i]), bad, strict);
        }
        if (ok.size() == n) return ex;
        return Examples.subset(ex, ok.stream().mapToInt(Integer::intValue).toArray());
    }

    private static List<Skipped> sorted(ConcurrentLinkedQueue<Skipped> bad) {
        List<Skipped> l = new ArrayList<>(bad);
        l.sort((a, b) -> a.file().toString().compareTo(b.file().toString()));
        return List.copyOf(l);
    }

    /** Every class folder present must have kept at least one image. */
    private static void checkClasses(Path root, List<String> present, List<String> names, Examples ex, List<Skipped> skipped) {
        int[] counts = new int[names.size()];
        for (int i = 0; i < ex.size(); i++) counts[ex.label(i)]++;
        for (String c : present) {
            if (counts[names.indexOf(c)] > 0) continue;
            Path dir = root.resolve(c);
            long skippedHere = skipped.stream().filter(s -> s.file().startsWith(dir)).count();
            throw new FoveaException(dir + ": class \"" + c + "\" has no images" + (skippedHere > 0 ? " (" + skippedHere
                    + " unreadable files skipped)" : "") + "; every class folder needs at least one PNG, JPEG, BMP or GIF image");
        }
    }
}
