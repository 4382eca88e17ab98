package dev.fovea.data.pipeline;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

/** The rows of an in-memory tensor (N, ...example), shared, not copied. */
final class TensorExamples implements Examples {
    private final float[] data;
    private final Shape shape;
    private final int size;
    private final int[] labels;

    TensorExamples(Tensor images, int[] labels) {
        if (images.rank() < 2 || images.dim(0) != labels.length) {
            throw new FoveaException("examples need images (N, ...) and N labels, got " + images.shape() + " and " + labels.length + " labels");
        }
        this.data = images.data();
        this.shape = images.shape().dropBatch();
        this.size = shape.size();
        this.labels = labels.clone();
    }

    @Override public int size() { return labels.length; }
    @Override public Shape exampleShape() { return shape; }
    @Override public int label(int i) { return labels[i]; }

    @Override public void read(int i, float[] dst, int off) {
        System.arraycopy(data, i * size, dst, off, size);
    }
}
