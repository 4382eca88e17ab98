package dev.fovea.data;

import dev.fovea.data.pipeline.Examples;
import dev.fovea.tensor.Shape;

import java.nio.file.Path;

/** Image files as examples: each read decodes its file with the folder's decode-time options. */
final class ImageFiles implements Examples {
    private final Path[] files;
    private final int[] labels;
    private final Shape shape;        // (H, W, C)
    private final boolean crop;
    private final ImageDecoder decoder;

    ImageFiles(Path[] files, int[] labels, Shape shape, boolean crop, ImageLoader loader) {
        this.files = files;
        this.labels = labels;
        this.shape = shape;
        this.crop = crop;
        this.decoder = new ImageDecoder(loader);
    }

    @Override public int size() { return files.length; }
    @Override public Shape exampleShape() { return shape; }
    @Override public int label(int i) { return labels[i]; }

    @Override public void read(int i, float[] dst, int off) {
        decoder.decode(files[i], shape.dim(0), shape.dim(1), shape.dim(2), crop, dst, off);
    }

    @Override public String describe(int i) { return files[i].toString(); }
}
