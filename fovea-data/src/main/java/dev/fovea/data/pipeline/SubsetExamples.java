package dev.fovea.data.pipeline;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;

/** Some examples of another set, by index: a training or validation split, the readable files of a folder. */
final class SubsetExamples implements Examples {
    private final Examples base;
    private final int[] indices;

    SubsetExamples(Examples base, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= base.size()) throw new FoveaException("subset index " + i + " is outside the " + base.size() + " examples");
        }
        this.base = base;
        this.indices = indices.clone();
    }

    @Override public int size() { return indices.length; }
    @Override public Shape exampleShape() { return base.exampleShape(); }
    @Override public int label(int i) { return base.label(indices[i]); }
    @Override public void read(int i, float[] dst, int off) { base.read(indices[i], dst, off); }
    @Override public String describe(int i) { return base.describe(indices[i]); }
}
