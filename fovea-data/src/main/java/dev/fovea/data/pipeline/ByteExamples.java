package dev.fovea.data.pipeline;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;

/**
 * 8-bit pixels held as bytes, (N, ...example), converted to floats v / 255 as each example is
 * read: a quarter of the memory of a float tensor, and the same floats as
 * {@code IdxDatasets} makes (division, which is exactly rounded).
 */
final class ByteExamples implements Examples {
    private final byte[] pixels;
    private final Shape shape;
    private final int size;
    private final int[] labels;
    private final String name;

    ByteExamples(byte[] pixels, Shape example, int[] labels, String name) {
        if ((long) example.size() * labels.length != pixels.length) {
            throw new FoveaException(name + ": " + pixels.length + " pixel bytes do not hold " + labels.length + " examples of " + example);
        }
        this.pixels = pixels;
        this.shape = example;
        this.size = example.size();
        this.labels = labels.clone();
        this.name = name;
    }

    @Override public int size() { return labels.length; }
    @Override public Shape exampleShape() { return shape; }
    @Override public int label(int i) { return labels[i]; }

    @Override public void read(int i, float[] dst, int off) {
        int src = i * size;
        for (int k = 0; k < size; k++) dst[off + k] = (pixels[src + k] & 0xFF) / 255f;
    }

    @Override public String describe(int i) { return name + " example " + i; }
}
