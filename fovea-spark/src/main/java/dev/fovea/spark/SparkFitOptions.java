package dev.fovea.spark;

import dev.fovea.FoveaException;
import dev.fovea.data.ImageLoader;

import java.io.Serializable;

/**
 * How {@link SparkTrainer#fit} trains: the mode, the schedule of data, where images and labels
 * are in the DataFrame, and checkpointing.
 *
 * @param mode             {@link Mode#SYNC}: gradients of every worker summed every step (equal to
 *                         one machine training with the same global batch); {@link Mode#AVERAGING}:
 *                         each worker takes {@code averagingSteps} local steps, then weights and
 *                         optimizer state are averaged
 * @param epochs           passes over the data
 * @param batchSize        SYNC: the global batch, split over the partitions that hold its examples;
 *                         AVERAGING: each worker's local batch
 * @param averagingSteps   AVERAGING: local steps between two averagings (K)
 * @param seed             the run's seed (order of examples, dropout); null: the model's seed
 * @param shuffle          shuffle the examples every epoch
 * @param labelSmoothing   as {@code FitOptions.labelSmoothing}
 * @param l2               as {@code FitOptions.l2}
 * @param imageColumn      the column holding images (binary files, image structs or arrays)
 * @param labelColumn      the column holding labels (integer indices, or class names), or null
 * @param pathColumn       with no label column: labels are the names of the folders holding the
 *                         files named in this column (".../cat/1.png" is a "cat")
 * @param maxPixels        images above this many pixels are refused from their header
 * @param checkpoint       a checkpoint written after every epoch (null: none)
 * @param resume           a checkpoint to resume from (null: a fresh run)
 */
public record SparkFitOptions(Mode mode, int epochs, int batchSize, int averagingSteps, Long seed, boolean shuffle,
                              double labelSmoothing, double l2, String imageColumn, String labelColumn, String pathColumn,
                              long maxPixels, String checkpoint, String resume) implements Serializable {
    /** The two ways of combining workers; see the class comment of {@link SparkTrainer}. */
    public enum Mode { SYNC, AVERAGING }

    public SparkFitOptions {
        if (mode == null) throw new FoveaException("SparkFitOptions: mode is required");
        if (epochs < 1) throw new FoveaException("SparkFitOptions: epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new FoveaException("SparkFitOptions: batchSize must be >= 1, got " + batchSize);
        if (averagingSteps < 1) throw new FoveaException("SparkFitOptions: averagingSteps must be >= 1, got " + averagingSteps);
        if (labelSmoothing < 0 || labelSmoothing >= 1) throw new FoveaException("SparkFitOptions: labelSmoothing must be in [0, 1), got " + labelSmoothing);
        if (l2 < 0) throw new FoveaException("SparkFitOptions: l2 must be >= 0, got " + l2);
        if (imageColumn == null) throw new FoveaException("SparkFitOptions: imageColumn is required");
        if (labelColumn == null && pathColumn == null) {
            throw new FoveaException("SparkFitOptions: give labelColumn, or pathColumn to take labels from folder names");
        }
        if (maxPixels < 1) throw new FoveaException("SparkFitOptions: maxPixels must be >= 1, got " + maxPixels);
    }

    /** Synchronous gradient summation every step, global batch {@code batchSize}; images in "image", labels in "label". */
    public static SparkFitOptions sync(int epochs, int batchSize) {
        return new SparkFitOptions(Mode.SYNC, epochs, batchSize, 1, null, true, 0, 0, "image", "label", null,
                ImageLoader.DEFAULT_MAX_PIXELS, null, null);
    }

    /** Parameter averaging every {@code k} local steps of {@code batchSize} examples per worker. */
    public static SparkFitOptions averaging(int epochs, int batchSize, int k) {
        return new SparkFitOptions(Mode.AVERAGING, epochs, batchSize, k, null, true, 0, 0, "image", "label", null,
                ImageLoader.DEFAULT_MAX_PIXELS, null, null);
    }

    public SparkFitOptions withSeed(long s) { return new SparkFitOptions(mode, epochs, batchSize, averagingSteps, s, shuffle, labelSmoothing, l2, imageColumn, labelColumn, pathColumn, maxPixels, checkpoint, resume); }
    public SparkFitOptions withShuffle(boolean s) { return new SparkFitOptions(mode, epochs, batchSize, averagingSteps, seed, s, labelSmoothing, l2, imageColumn, labelColumn, pathColumn, maxPixels, checkpoint, resume); }
    public SparkFitOptions withEpochs(int e) { return new SparkFitOptions(mode, e, batchSize, averagingSteps, seed, shuffle, labelSmoothing, l2, imageColumn, labelColumn, pathColumn, maxPixels, checkpoint, resume); }
    public SparkFitOptions withLabelSmoothing(double eps) { return new SparkFitOptions(mode, epochs, batchSize, averagingSteps, seed, shuffle, eps, l2, imageColumn, labelColumn, pathColumn, maxPixels, checkpoint, resume); }
    public SparkFitOptions withL2(double lambda) { return new SparkFitOptions(mode, epochs, batchSize, averagingSteps, seed, shuffle, labelSmoothing, lambda, imageColumn, labelColumn, pathColumn, maxPixels, checkpoint, resume); }
    public SparkFitOptions withImages(String column) { return new SparkFitOptions(mode, epochs, batchSize, averagingSteps, seed, shuffle, labelSmoothing, l2, column, labelColumn, pathColumn, maxPixels, checkpoint, resume); }
    public SparkFitOptions withLabelColumn(String column) { return new SparkFitOptions(mode, epochs, batchSize, averagingSteps, seed, shuffle, labelSmoothing, l2, imageColumn, column, null, maxPixels, checkpoint, resume); }
    public SparkFitOptions withFolderLabels(String pathColumn) { return new SparkFitOptions(mode, epochs, batchSize, averagingSteps, seed, shuffle, labelSmoothing, l2, imageColumn, null, pathColumn, maxPixels, checkpoint, resume); }
    public SparkFitOptions withCheckpoint(String file) { return new SparkFitOptions(mode, epochs, batchSize, averagingSteps, seed, shuffle, labelSmoothing, l2, imageColumn, labelColumn, pathColumn, maxPixels, file, resume); }
    public SparkFitOptions withResume(String file) { return new SparkFitOptions(mode, epochs, batchSize, averagingSteps, seed, shuffle, labelSmoothing, l2, imageColumn, labelColumn, pathColumn, maxPixels, checkpoint, file); }
}
