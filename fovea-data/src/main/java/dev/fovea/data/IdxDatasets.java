package dev.fovea.data;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Tensor;

import java.util.List;

/**
 * Pairs an IDX image file with its IDX label file into a {@link Dataset}, checking them against
 * each other: every error names the file at fault.
 */
public final class IdxDatasets {
    private IdxDatasets() {}

    /**
     * @param images     (N, H, W) for grayscale, as MNIST stores them, or (N, H, W, C)
     * @param labels     (N,), each label in 0..classNames.size()-1
     * @param classNames the name of each label
     */
    public static Dataset of(IdxArray images, IdxArray labels, List<String> classNames) {
        checkLabels(labels, classNames);
        if (images.rank() != 3 && images.rank() != 4) {
            throw new FoveaException(images.source() + ": images must be (N, H, W) or (N, H, W, C), got "
                    + images.shapeText());
        }
        int count = images.dim(0);
        if (count != labels.dim(0)) {
            throw new FoveaException(images.source() + " holds " + count + " images but " + labels.source()
                    + " holds " + labels.dim(0) + " labels; they must be the same length");
        }
        int channels = images.rank() == 4 ? images.dim(3) : 1;
        byte[] raw = images.values();
        float[] px = new float[raw.length];        // (N, H, W, C)
        for (int i = 0; i < raw.length; i++) {
            // Division, not multiplication by 1/255f: it is exactly rounded, so a PNG written back at
            // 8 bits and reloaded reproduces these floats bit for bit.
            px[i] = (raw[i] & 0xFF) / 255f;
        }
        int[] y = new int[count];                   // (N,)
        byte[] lb = labels.values();
        for (int i = 0; i < count; i++) y[i] = lb[i] & 0xFF;
        return new Dataset(Tensor.of(px, count, images.dim(1), images.dim(2), channels), y, classNames);
    }

    static void checkLabels(IdxArray labels, List<String> classNames) {
        if (labels.rank() != 1) {
            throw new FoveaException(labels.source() + ": labels must be one dimension (N,), got " + labels.shapeText());
        }
        byte[] lb = labels.values();
        for (int i = 0; i < lb.length; i++) {
            int label = lb[i] & 0xFF;
            if (label >= classNames.size()) {
                throw new FoveaException(labels.source() + ": label " + label + " at item " + i + " is outside 0.."
                        + (classNames.size() - 1) + " (" + classNames.size()
                        + " class names); give one class name per class");
            }
        }
    }
}
