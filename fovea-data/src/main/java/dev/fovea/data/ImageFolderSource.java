package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.data.pipeline.Examples;
import dev.fovea.data.pipeline.Split;
import dev.fovea.train.InMemoryData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Images in class folders, in one of two layouts:
 * <ul>
 *   <li>a train/test tree: {@code DIR/train/<class>/...} and {@code DIR/test/<class>/...} (the test
 *       part may be called test, val, valid or validation); the test classes must be among the
 *       training ones;</li>
 *   <li>a single class tree {@code DIR/<class>/...}: the test part is a seeded validation split
 *       of it (see {@link Split}; stratified by default, fraction 0.2 unless set).</li>
 * </ul>
 */
final class ImageFolderSource implements StreamingSource {
    static final List<String> TRAIN_NAMES = List.of("train", "training");
    static final List<String> TEST_NAMES = List.of("test", "val", "valid", "validation");

    private final Path root;
    private final Path trainDir, testDir;    // null, null for a single tree
    private final DataOptions options;

    ImageFolderSource(Path root, DataOptions options) {
        this.root = root;
        this.options = options;
        Path train = child(root, TRAIN_NAMES), test = child(root, TEST_NAMES);
        boolean split = train != null && test != null;
        this.trainDir = split ? train : null;
        this.testDir = split ? test : null;
    }

    /** Whether root looks like a train/test tree. */
    static boolean isTrainTestTree(Path root) {
        return child(root, TRAIN_NAMES) != null && child(root, TEST_NAMES) != null;
    }

    private static Path child(Path root, List<String> names) {
        for (String n : names) {
            Path p = root.resolve(n);
            if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return p;
        }
        return null;
    }

    @Override public String description() {
        return trainDir != null ? "image folders " + trainDir + " and " + testDir
                : "image folder " + root + " (" + percent(options.validationSplit()) + " held out, seed " + options.seed() + ")";
    }

    private static String percent(double f) {
        return Math.round(f * 1000) / 10.0 + "%";
    }

    @Override public Streams open() {
        if (trainDir != null) {
            ImageFolder train = ImageFolder.open(trainDir, options);
            ImageFolder test = ImageFolder.open(testDir, options, train);
            return new Streams(options.pipeline(train.examples()), options.pipeline(test.examples()).withoutAugmentation(),
                    train.classNames(), description());
        }
        if (options.validationSplit() == 0) {
            throw new FoveaException(root + ": a single class tree needs a validation split above 0 to test on"
                    + " (DataOptions.validationSplit), or train/ and test/ sub-folders");
        }
        ImageFolder all = ImageFolder.open(root, options);
        Split s = Split.of(all.labels(), options.validationSplit(), options.seed(), options.stratified());
        if (s.validation().length == 0) {
            throw new FoveaException(root + ": a validation split of " + options.validationSplit() + " leaves no image of "
                    + all.size() + " to test on; raise it or add images");
        }
        return new Streams(options.pipeline(Examples.subset(all.examples(), s.train())),
                options.pipeline(Examples.subset(all.examples(), s.validation())).withoutAugmentation(), all.classNames(), description());
    }

    @Override public TrainTest load() {
        try (Streams s = open()) {
            InMemoryData train = s.train().materialize(), test = s.test().materialize();
            return new TrainTest(new Dataset(train.images(), train.labels(), s.classNames()),
                    new Dataset(test.images(), test.labels(), s.classNames()));
        }
    }
}
