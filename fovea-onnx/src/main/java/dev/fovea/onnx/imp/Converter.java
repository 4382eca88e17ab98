package dev.fovea.onnx.imp;

import dev.fovea.onnx.proto.OnnxProto.NodeProto;

/** Turns one ONNX node into Fovea layers (or a folded constant), recording its outputs in the graph. */
@FunctionalInterface
interface Converter {
    void convert(NodeProto node, Attributes attributes, Graph graph);
}
