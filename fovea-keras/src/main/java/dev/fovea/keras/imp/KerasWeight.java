package dev.fovea.keras.imp;

import java.util.Arrays;

/**
 * One stored weight of a Keras layer: its name in the file (e.g. "conv2d_1/kernel:0"; a Keras 3
 * variable's index, "0", "1", ...), its dims in Keras's layout and its values in row-major order.
 */
public record KerasWeight(String name, int[] dims, float[] data) {
    public KerasWeight {
        dims = dims.clone();
    }

    @Override public int[] dims() { return dims.clone(); }

    public String dimsText() { return Arrays.toString(dims); }
}
