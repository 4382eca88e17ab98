package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.data.pipeline.StreamingData;
import dev.fovea.nn.ExampleTransform;

import java.util.List;
import java.util.function.Consumer;

/**
 * How a data folder is read: what {@code fovea train --data DIR} options set. Immutable; each
 * method returns a changed copy. Defaults: images at their own size in automatic colour mode, a
 * stratified 0.2 validation split seeded 42 (for a folder without a test part), unreadable files
 * skipped with a warning, a decoded-image cache of a quarter of the heap, verification of every
 * image when the whole folder fits that cache, {@link StreamingData#defaultWorkers()} workers,
 * 4 batches prefetched, no pipeline augmentation.
 *
 * @param image           decode-time size, colour mode and crop
 * @param validationSplit fraction of a single class tree held out for validation/test, in [0, 1)
 * @param seed            seed of that split
 * @param stratified      split each class in proportion (true) or all files at once, as Keras (false)
 * @param strict          refuse unreadable files instead of skipping them
 * @param cacheBytes      memory for decoded images; 0 turns the cache off
 * @param verify          decode every image up front: null decides by whether the folder fits the cache
 * @param workers         background decoding threads (0: decode on the training thread)
 * @param prefetch        batches decoded ahead
 * @param augmentation    per-example transforms run by the pipeline's workers on training batches
 * @param warnings        where warnings go (skipped files), one line each
 */
public record DataOptions(ImageOptions image, double validationSplit, long seed, boolean stratified, boolean strict,
                          long cacheBytes, Boolean verify, int workers, int prefetch,
                          List<ExampleTransform> augmentation, Consumer<String> warnings) {
    public DataOptions {
        if (image == null) throw new FoveaException("image options are required");
        if (!(validationSplit >= 0 && validationSplit < 1)) throw new FoveaException("validation split must be in [0, 1), got " + validationSplit);
        if (cacheBytes < 0) throw new FoveaException("cache size must be >= 0 bytes, got " + cacheBytes);
        if (workers < 0) throw new FoveaException("data workers must be >= 0, got " + workers);
        if (prefetch < 1) throw new FoveaException("prefetch must be >= 1 batch, got " + prefetch);
        augmentation = List.copyOf(augmentation);
        if (warnings == null) warnings = w -> {};
    }

    public static DataOptions defaults() {
        return new DataOptions(ImageOptions.DEFAULT, 0.2, 42, true, false, Runtime.getRuntime().maxMemory() / 4, null,
                StreamingData.defaultWorkers(), 4, List.of(), w -> {});
    }

    public DataOptions imageSize(int height, int width) { return image(image.size(height, width)); }
    public DataOptions colorMode(ColorMode m) { return image(image.colorMode(m)); }
    public DataOptions cropToAspect(boolean crop) { return image(image.cropToAspect(crop)); }

    public DataOptions image(ImageOptions i) {
        return new DataOptions(i, validationSplit, seed, stratified, strict, cacheBytes, verify, workers, prefetch, augmentation, warnings);
    }

    public DataOptions validationSplit(double f) {
        return new DataOptions(image, f, seed, stratified, strict, cacheBytes, verify, workers, prefetch, augmentation, warnings);
    }

    public DataOptions seed(long s) {
        return new DataOptions(image, validationSplit, s, stratified, strict, cacheBytes, verify, workers, prefetch, augmentation, warnings);
    }

    public DataOptions stratified(boolean s) {
        return new DataOptions(image, validationSplit, seed, s, strict, cacheBytes, verify, workers, prefetch, augmentation, warnings);
    }

    public DataOptions strict(boolean s) {
        return new DataOptions(image, validationSplit, seed, stratified, s, cacheBytes, verify, workers, prefetch, augmentation, warnings);
    }

    public DataOptions cacheBytes(long b) {
        return new DataOptions(image, validationSplit, seed, stratified, strict, b, verify, workers, prefetch, augmentation, warnings);
    }

    public DataOptions verify(Boolean v) {
        return new DataOptions(image, validationSplit, seed, stratified, strict, cacheBytes, v, workers, prefetch, augmentation, warnings);
    }

    public DataOptions workers(int n) {
        return new DataOptions(image, validationSplit, seed, stratified, strict, cacheBytes, verify, n, prefetch, augmentation, warnings);
    }

    public DataOptions prefetch(int n) {
        return new DataOptions(image, validationSplit, seed, stratified, strict, cacheBytes, verify, workers, n, augmentation, warnings);
    }

    public DataOptions augmentation(List<? extends ExampleTransform> a) {
        return new DataOptions(image, validationSplit, seed, stratified, strict, cacheBytes, verify, workers, prefetch, List.copyOf(a), warnings);
    }

    public DataOptions warnings(Consumer<String> w) {
        return new DataOptions(image, validationSplit, seed, stratified, strict, cacheBytes, verify, workers, prefetch, augmentation, w);
    }

    /** A pipeline over examples with these options' workers, prefetch and augmentation. */
    StreamingData pipeline(dev.fovea.data.pipeline.Examples examples) {
        return StreamingData.from(examples).workers(workers).prefetch(prefetch).transforms(augmentation).build();
    }

    /**
     * Parses a size such as "2g", "512m", "64k", "1000000" (bytes) or "0" (off), as {@code --cache} takes it.
     */
    public static long parseBytes(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (t.endsWith("b")) t = t.substring(0, t.length() - 1);
        if (t.endsWith("k")) unit = 1L << 10;
        else if (t.endsWith("m")) unit = 1L << 20;
        else if (t.endsWith("g")) unit = 1L << 30;
        if (unit > 1) t = t.substring(0, t.length() - 1);
        try {
            double v = Double.parseDouble(t);
            if (v >= 0 && v * unit < Long.MAX_VALUE) return (long) (v * unit);
        } catch (NumberFormatException ignored) {
            // the message below
        }
        throw new FoveaException("size \"" + s + "\" is not a byte count such as 0, 500m or 2g");
    }
}
