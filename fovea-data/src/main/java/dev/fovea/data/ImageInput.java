package dev.fovea.data;

import dev.fovea.predict.PredictionInput;
import dev.fovea.tensor.Shape;

import java.nio.file.Path;
import java.util.Iterator;

/**
 * An image file as an input for a {@link dev.fovea.predict.StreamingPredictor}: read by
 * {@link ImageLoader#load(Path, Shape)}, the conversion {@code fovea predict} has always applied to
 * single files (grayscale or RGB as the model's input has 1 or 3 channels, stretched to its size,
 * values in [0, 1]), so a folder gives exactly the results its files give one by one.
 */
public final class ImageInput implements PredictionInput {
    private final Path file;
    private final Shape target;
    private final ImageLoader loader;

    /** file, converted to target (H, W, C) with C 1 or 3. */
    public ImageInput(Path file, Shape target, ImageLoader loader) {
        this.file = file;
        this.target = target;
        this.loader = loader;
    }

    public Path file() { return file; }

    @Override public String name() { return file.toString(); }

    @Override public void read(float[] dst, int off) {
        float[] values = loader.load(file, target).image().data();
        System.arraycopy(values, 0, dst, off, values.length);
    }

    /** The files of paths as inputs, lazily. */
    public static Iterator<PredictionInput> of(Iterator<Path> paths, Shape target, ImageLoader loader) {
        return new Iterator<>() {
            @Override public boolean hasNext() { return paths.hasNext(); }
            @Override public PredictionInput next() { return new ImageInput(paths.next(), target, loader); }
        };
    }
}
