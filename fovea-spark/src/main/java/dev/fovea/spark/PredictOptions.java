package dev.fovea.spark;

import dev.fovea.FoveaException;
import dev.fovea.data.ImageLoader;

import java.io.Serializable;

/**
 * Options of {@link FoveaSpark#predict}: which column holds the images, how many are run through
 * the model at once inside a partition, the names of the added columns and the decoder's pixel cap.
 *
 * @param imageColumn  the column holding images (binary files, the image source's struct, or arrays)
 * @param nameColumn   a column naming each image in error messages (e.g. "path"), or null
 * @param batchSize    images per forward pass inside a partition
 * @param outputPrefix prefix of the added columns: PREFIXclass, PREFIXlabel, PREFIXprobability,
 *                     PREFIXprobabilities and PREFIXerror
 * @param maxPixels    images above this many pixels are refused from their header, before decoding
 */
public record PredictOptions(String imageColumn, String nameColumn, int batchSize, String outputPrefix, long maxPixels)
        implements Serializable {
    public PredictOptions {
        if (imageColumn == null || imageColumn.isBlank()) throw new FoveaException("PredictOptions: imageColumn is required");
        if (batchSize < 1) throw new FoveaException("PredictOptions: batchSize must be >= 1, got " + batchSize);
        if (outputPrefix == null) throw new FoveaException("PredictOptions: outputPrefix must not be null (use \"\" for none)");
        if (maxPixels < 1) throw new FoveaException("PredictOptions: maxPixels must be >= 1, got " + maxPixels);
    }

    /**
     * Defaults for the {@code binaryFile} data source: images in {@code content}, named by
     * {@code path}, 64 a batch, columns prefixed "fovea_".
     */
    public static PredictOptions binaryFiles() {
        return new PredictOptions("content", "path", 64, "fovea_", ImageLoader.DEFAULT_MAX_PIXELS);
    }

    /** Defaults for images in {@code column} (no name column). */
    public static PredictOptions column(String column) {
        return new PredictOptions(column, null, 64, "fovea_", ImageLoader.DEFAULT_MAX_PIXELS);
    }

    public PredictOptions withBatchSize(int n) { return new PredictOptions(imageColumn, nameColumn, n, outputPrefix, maxPixels); }
    public PredictOptions withNameColumn(String c) { return new PredictOptions(imageColumn, c, batchSize, outputPrefix, maxPixels); }
    public PredictOptions withOutputPrefix(String p) { return new PredictOptions(imageColumn, nameColumn, batchSize, p, maxPixels); }
    public PredictOptions withMaxPixels(long n) { return new PredictOptions(imageColumn, nameColumn, batchSize, outputPrefix, n); }
}
