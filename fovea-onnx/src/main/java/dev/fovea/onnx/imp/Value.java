package dev.fovea.onnx.imp;

import dev.fovea.onnx.Holding;
import dev.fovea.onnx.OnnxTensor;

/**
 * An ONNX value during import: a constant known at import time, or the output of a Fovea node
 * (or the model input) with its ONNX dims and how Fovea holds it.
 */
record Value(OnnxTensor constant, int node, int[] dims, Holding holding) {
    static Value of(OnnxTensor t) {
        return new Value(t, Integer.MIN_VALUE, t.dims(), null);
    }

    static Value dynamic(int node, int[] dims, Holding holding) {
        return new Value(null, node, dims.clone(), holding);
    }

    boolean isConstant() { return constant != null; }

    int rank() { return dims.length; }

    @Override public int[] dims() { return dims.clone(); }

    int dim(int i) { return dims[i]; }

    int[] perExample() { return holding.perExample(dims); }
}
