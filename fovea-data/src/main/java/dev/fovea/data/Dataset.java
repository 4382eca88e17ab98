package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Labelled images ready for a model: float32 pixels in [0, 1], channels-last as Keras has them,
 * one integer label per image indexing {@link #classNames()}.
 *
 * <p>The images tensor is shared, not copied (copying 188 MB of Fashion-MNIST for safety would
 * cost more than it protects); treat it as read-only.
 */
public final class Dataset {
    private final Tensor images;          // (N, H, W, C)
    private final int[] labels;           // (N,)
    private final List<String> classNames;

    public Dataset(Tensor images, int[] labels, List<String> classNames) {
        if (images.rank() != 4) {
            throw new FoveaException("dataset images must be (N, H, W, C), got " + images.shape());
        }
        if (labels.length != images.dim(0)) {
            throw new FoveaException("dataset has " + images.dim(0) + " images but " + labels.length + " labels");
        }
        if (classNames.isEmpty()) {
            throw new FoveaException("dataset needs at least one class name");
        }
        this.images = images;
        this.labels = labels.clone();
        this.classNames = List.copyOf(classNames);
        for (int i = 0; i < this.labels.length; i++) {
            int label = this.labels[i];
            if (label < 0 || label >= this.classNames.size()) {
                throw new FoveaException("dataset label " + label + " at item " + i + " is outside 0.."
                        + (this.classNames.size() - 1) + " (" + this.classNames.size() + " class names)");
            }
        }
    }

    /** The images, shared. */
    public Tensor images() { return images; }          // (N, H, W, C)

    /** A copy of the labels. */
    public int[] labels() { return labels.clone(); }  // (N,)

    public int label(int i) { return labels[i]; }

    public List<String> classNames() { return classNames; }

    public int numClasses() { return classNames.size(); }

    public int size() { return labels.length; }

    public int height() { return images.dim(1); }

    public int width() { return images.dim(2); }

    public int channels() { return images.dim(3); }

    /** The shape of one image, (H, W, C): a model's input shape. */
    public Shape imageShape() { return images.shape().dropBatch(); }

    /** A copy of image i. */
    public Tensor image(int i) {                        // (H, W, C)
        Shape one = imageShape();
        int n = one.size();
        float[] px = Arrays.copyOfRange(images.data(), i * n, (i + 1) * n);
        return new Tensor(one, px);
    }

    /** The first n examples (all of them when there are fewer), copied, as {@code dataset.take(n)} in tf.data. */
    public Dataset take(int n) {
        if (n < 0) throw new FoveaException("take: n must be >= 0, got " + n);
        return slice(0, Math.min(n, size()));
    }

    /** Examples from (inclusive) to to (exclusive), copied, with the same class names. */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new FoveaException("slice [" + from + ", " + to + ") is outside the dataset's 0.." + size() + " examples");
        }
        return new Dataset(images.slice(from, to), Arrays.copyOfRange(labels, from, to), classNames);
    }

    /** The examples at these indices, in this order (repeats allowed), copied. */
    public Dataset select(int... indices) {
        int per = imageShape().size();
        float[] px = new float[indices.length * per];
        int[] ys = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            int i = indices[j];
            if (i < 0 || i >= size()) throw new FoveaException("select: index " + i + " is outside the dataset's 0.." + (size() - 1));
            System.arraycopy(images.data(), i * per, px, j * per, per);
            ys[j] = labels[i];
        }
        return new Dataset(new Tensor(imageShape().withBatch(indices.length), px), ys, classNames);
    }

    /** The class name of example i's label. */
    public String className(int i) { return classNames.get(labels[i]); }

    /** How many images each class has, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[classNames.size()];
        for (int label : labels) counts[label]++;
        return counts;
    }

    @Override public String toString() {
        return "Dataset[" + size() + " images " + imageShape() + ", " + numClasses() + " classes]";
    }
}
