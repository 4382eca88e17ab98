package dev.fovea.onnx;

import dev.fovea.onnx.imp.OnnxImporter;
import dev.fovea.onnx.proto.OnnxProto.AttributeProto;
import dev.fovea.onnx.proto.OnnxProto.GraphProto;
import dev.fovea.onnx.proto.OnnxProto.ModelProto;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;
import dev.fovea.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.fovea.onnx.proto.OnnxProto.TensorProto;
import dev.fovea.onnx.proto.OnnxProto.ValueInfoProto;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.fovea.onnx.HostileFilesTest.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Beyond the conformance suite: small graphs of each supported operator with attribute and opset
 * variants the suite does not cover (auto_pad SAME_LOWER, grouped dilated convolution, Gemm with
 * every bias shape, batched broadcasting MatMul, softmax before and after opset 13 on 4-D
 * tensors, shape subgraphs as PyTorch exports them, ...), run by ONNX Runtime and by Fovea's
 * import; outputs must agree within the ONNX suite's tolerance. Each graph is also run at a
 * second batch size when Fovea kept the batch axis free, and must give the same per-example rows.
 */
class OpsVsOrtTest {
    private final SplittableRandom rng = new SplittableRandom(11);

    record Case(String name, int opset, int[] dims, List<NodeProto> nodes, List<TensorProto> inits) {}

    static AttributeProto ints(String n, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(n).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) a.addInts(x);
        return a.build();
    }

    static AttributeProto i(String n, long v) {
        return AttributeProto.newBuilder().setName(n).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto f(String n, float v) {
        return AttributeProto.newBuilder().setName(n).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto s(String n, String v) {
        return AttributeProto.newBuilder().setName(n).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }

    static NodeProto node(String op, String[] in, String out, AttributeProto... a) {
        return HostileFilesTest.node(op, op + "_" + out, in, out, a);
    }

    TensorProto weights(String name, double lo, double hi, int... dims) {
        float[] v = new float[(int) OnnxTensor.count(dims)];
        for (int k = 0; k < v.length; k++) v[k] = (float) (lo + (hi - lo) * rng.nextDouble());
        return HostileFilesTest.floats(name, dims, v);
    }

    static TensorProto longs(String name, long... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7).addDims(v.length);
        for (long x : v) t.addInt64Data(x);
        return t.build();
    }

    private Case c(String name, int opset, int[] dims, List<NodeProto> nodes, TensorProto... inits) {
        return new Case(name, opset, dims, nodes, List.of(inits));
    }

    List<Case> cases() {
        int[] img = {2, 4, 7, 6};
        List<Case> l = new ArrayList<>();
        int[] seq = {2, 4, 9};
        l.add(c("conv 1-D pads dilation stride", 13, seq, List.of(node("Conv", new String[] {"x", "w", "b"}, "y", ints("pads", 2, 1),
                ints("dilations", 2), ints("strides", 2))), weights("w", -1, 1, 5, 4, 3), weights("b", -1, 1, 5)));
        l.add(c("conv 1-D depthwise SAME_UPPER then relu", 11, seq, List.of(node("Conv", new String[] {"x", "w"}, "c", i("group", 4),
                s("auto_pad", "SAME_UPPER")), node("Relu", new String[] {"c"}, "y")), weights("w", -1, 1, 4, 1, 3)));
        l.add(c("maxpool and averagepool 1-D", 13, seq, List.of(node("MaxPool", new String[] {"x"}, "m", ints("kernel_shape", 3), ints("strides", 2),
                ints("pads", 1, 1)), node("AveragePool", new String[] {"m"}, "y", ints("kernel_shape", 2), i("count_include_pad", 1), ints("pads", 0, 1)))));
        l.add(c("global average 1-D", 13, seq, List.of(node("GlobalAveragePool", new String[] {"x"}, "y"))));
        l.add(c("split channels opset 13", 13, img, List.of(node("Split", new String[] {"x", "sp"}, "a", i("axis", 1)).toBuilder().addOutput("b").build(),
                node("Add", new String[] {"a", "b"}, "y")), longs("sp", 1, 3)));
        l.add(c("split W in equal parts opset 11", 11, img, List.of(node("Split", new String[] {"x"}, "a", i("axis", 3)).toBuilder().addOutput("b")
                .addOutput("c").build(), node("Sub", new String[] {"a", "c"}, "d"), node("Mul", new String[] {"d", "b"}, "y"))));
        l.add(c("min and max of three with broadcasting", 13, img, List.of(node("Relu", new String[] {"x"}, "r"),
                node("Min", new String[] {"x", "k", "r"}, "m"), node("Max", new String[] {"m", "k2"}, "y")),
                weights("k", -1, 1, 7, 6), weights("k2", -1, 1, 4, 1, 1)));
        l.add(c("tile H and C", 13, img, List.of(node("Tile", new String[] {"x", "rep"}, "y")), longs("rep", 1, 2, 3, 1)));
        l.add(c("instance normalization", 13, img, List.of(node("InstanceNormalization", new String[] {"x", "sc", "bb"}, "y", f("epsilon", 1e-3f))),
                weights("sc", 0.5, 1.5, 4), weights("bb", -1, 1, 4)));
        l.add(c("resize linear half_pixel by sizes", 13, img, List.of(node("Resize", new String[] {"x", "", "", "sz"}, "y", s("mode", "linear"))),
                longs("sz", 2, 4, 11, 9)));
        l.add(c("resize nearest asymmetric floor by scales opset 11", 11, img, List.of(node("Resize", new String[] {"x", "roi", "scl"}, "y",
                s("coordinate_transformation_mode", "asymmetric"), s("nearest_mode", "floor"))),
                HostileFilesTest.floats("roi", new int[] {0}), HostileFilesTest.floats("scl", new int[] {4}, 1, 1, 2, 1.5f)));
        l.add(c("resize linear align_corners down, pytorch_half_pixel up", 13, img, List.of(
                node("Resize", new String[] {"x", "", "s1"}, "a", s("mode", "linear"), s("coordinate_transformation_mode", "align_corners")),
                node("Resize", new String[] {"a", "", "s2"}, "y", s("mode", "linear"), s("coordinate_transformation_mode", "pytorch_half_pixel"))),
                HostileFilesTest.floats("s1", new int[] {4}, 1, 1, 1, 0.5f), HostileFilesTest.floats("s2", new int[] {4}, 1, 1, 3, 2)));
        l.add(c("reduce mean over H W dropped, sum over C kept opset 13", 13, img, List.of(
                node("ReduceSum", new String[] {"x", "ax"}, "s"), node("ReduceMean", new String[] {"s"}, "y", ints("axes", 2, 3), i("keepdims", 0))),
                longs("ax", 1)));
        l.add(c("reduce max and l2 opset 18 axes input", 18, img, List.of(node("ReduceMax", new String[] {"x", "ax"}, "m"),
                node("ReduceL2", new String[] {"m", "ax2"}, "y", i("keepdims", 0))), longs("ax", -1), longs("ax2", 1, 2)));
        l.add(c("layer norm over C after NHWC transpose (ConvNeXt)", 17, img, List.of(node("Transpose", new String[] {"x"}, "t", ints("perm", 0, 2, 3, 1)),
                node("LayerNormalization", new String[] {"t", "sc", "bb"}, "l", f("epsilon", 1e-6f)), node("Transpose", new String[] {"l"}, "y", ints("perm", 0, 3, 1, 2))),
                weights("sc", 0.5, 1.5, 4), weights("bb", -1, 1, 4)));
        l.add(c("layer norm over C, H, W", 17, img, List.of(node("LayerNormalization", new String[] {"x", "sc"}, "y", i("axis", 1))),
                weights("sc", 0.5, 1.5, 4, 7, 6)));
        l.add(c("hardsigmoid hardswish erf gelu softplus", 20, img, List.of(node("HardSigmoid", new String[] {"x"}, "a", f("alpha", 0.3f)),
                node("HardSwish", new String[] {"x"}, "b"), node("Erf", new String[] {"b"}, "c"), node("Gelu", new String[] {"c"}, "d"),
                node("Gelu", new String[] {"d"}, "e", s("approximate", "tanh")), node("Softplus", new String[] {"e"}, "f"),
                node("Mul", new String[] {"a", "f"}, "y"))));
        l.add(c("sqrt exp log neg abs reciprocal pow", 13, img, List.of(node("Abs", new String[] {"x"}, "a"), node("Sqrt", new String[] {"a"}, "b"),
                node("Exp", new String[] {"b"}, "c"), node("Log", new String[] {"c"}, "d"), node("Reciprocal", new String[] {"c"}, "e"),
                node("Neg", new String[] {"e"}, "f"), node("Pow", new String[] {"d", "p"}, "g"), node("Add", new String[] {"f", "g"}, "y")),
                HostileFilesTest.floats("p", new int[0], 1.5f)));
        l.add(c("conv SAME_LOWER stride 2", 13, img, List.of(node("Conv", new String[] {"x", "w", "b"}, "y", s("auto_pad", "SAME_LOWER"),
                ints("strides", 2, 2))), weights("w", -1, 1, 5, 4, 3, 2), weights("b", -1, 1, 5)));
        l.add(c("conv groups 2 dilations 2 pads", 11, img, List.of(node("Conv", new String[] {"x", "w"}, "y", i("group", 2),
                ints("dilations", 2, 1), ints("pads", 1, 0, 2, 1))), weights("w", -1, 1, 6, 2, 2, 3)));
        l.add(c("conv relu fused", 9, img, List.of(node("Conv", new String[] {"x", "w"}, "c"), node("Relu", new String[] {"c"}, "y")),
                weights("w", -1, 1, 3, 4, 1, 1)));
        l.add(c("maxpool ceil dilations pads", 12, img, List.of(node("MaxPool", new String[] {"x"}, "y", ints("kernel_shape", 3, 2),
                ints("strides", 2, 2), ints("dilations", 1, 2), ints("pads", 1, 1, 0, 0), i("ceil_mode", 1)))));
        l.add(c("averagepool count_include_pad", 11, img, List.of(node("AveragePool", new String[] {"x"}, "y", ints("kernel_shape", 3, 3),
                ints("strides", 1, 2), ints("pads", 1, 1, 1, 1), i("count_include_pad", 1)))));
        l.add(c("averagepool SAME_UPPER", 10, img, List.of(node("AveragePool", new String[] {"x"}, "y", ints("kernel_shape", 2, 3),
                s("auto_pad", "SAME_UPPER"), ints("strides", 2, 2)))));
        l.add(c("global max and average", 13, img, List.of(node("GlobalMaxPool", new String[] {"x"}, "a"),
                node("GlobalAveragePool", new String[] {"x"}, "b"), node("Sub", new String[] {"a", "b"}, "y"))));
        l.add(c("batchnorm 4-D opset 9", 9, img, List.of(node("BatchNormalization", new String[] {"x", "s", "bb", "m", "v"}, "y", f("epsilon", 1e-3f))),
                weights("s", 0.5, 1.5, 4), weights("bb", -1, 1, 4), weights("m", -1, 1, 4), weights("v", 0.5, 2, 4)));
        l.add(c("batchnorm 2-D opset 15", 15, new int[] {3, 5}, List.of(node("BatchNormalization", new String[] {"x", "s", "bb", "m", "v"}, "y")),
                weights("s", 0.5, 1.5, 5), weights("bb", -1, 1, 5), weights("m", -1, 1, 5), weights("v", 0.5, 2, 5)));
        l.add(c("LRN size 5", 13, img, List.of(node("LRN", new String[] {"x"}, "y", i("size", 5), f("alpha", 0.3f), f("beta", 0.6f), f("bias", 2f)))));
        l.add(c("gemm transA alpha beta matrix bias", 13, new int[] {6, 3}, List.of(node("Gemm", new String[] {"x", "b", "c"}, "y",
                i("transA", 1), f("alpha", 0.5f), f("beta", 2f))), weights("b", -1, 1, 6, 4), weights("c", -1, 1, 3, 4)));
        l.add(c("gemm transB row bias softmax", 11, new int[] {3, 6}, List.of(node("Gemm", new String[] {"x", "b", "c"}, "g", i("transB", 1)),
                node("Softmax", new String[] {"g"}, "y")), weights("b", -1, 1, 4, 6), weights("c", -1, 1, 1, 4)));
        l.add(c("gemm opset 7 no bias relu", 7, new int[] {3, 6}, List.of(node("Gemm", new String[] {"x", "b", "c"}, "g"),
                node("Relu", new String[] {"g"}, "y")), weights("b", -1, 1, 6, 4), weights("c", -1, 1, 4)));
        l.add(c("matmul 3-D x 2-D", 13, new int[] {2, 3, 4}, List.of(node("MatMul", new String[] {"x", "w"}, "y")), weights("w", -1, 1, 4, 5)));
        l.add(c("matmul broadcast 4-D", 13, new int[] {2, 3, 4, 5}, List.of(node("MatMul", new String[] {"x", "w"}, "y")), weights("w", -1, 1, 3, 5, 2)));
        l.add(c("matmul constant first", 13, new int[] {2, 3, 4, 5}, List.of(node("MatMul", new String[] {"w", "x"}, "y")), weights("w", -1, 1, 2, 4)));
        l.add(c("matmul of two computed", 13, new int[] {2, 3, 4}, List.of(node("Transpose", new String[] {"x"}, "t", ints("perm", 0, 2, 1)),
                node("MatMul", new String[] {"x", "t"}, "y"))));
        l.add(c("arithmetic broadcasting", 13, img, List.of(node("Mul", new String[] {"x", "k"}, "a"), node("Div", new String[] {"a", "d"}, "b"),
                node("Sub", new String[] {"k2", "b"}, "c"), node("Add", new String[] {"c", "x"}, "y")),
                weights("k", -1, 1, 4, 1, 1), weights("d", 0.5, 2, 6), weights("k2", -1, 1, 1, 1, 7, 1)));
        l.add(c("sum of three with broadcasting", 13, img, List.of(node("Relu", new String[] {"x"}, "r"), node("Sum", new String[] {"x", "r", "k"}, "y")),
                weights("k", -1, 1, 7, 6)));
        l.add(c("prelu per channel", 9, img, List.of(node("PRelu", new String[] {"x", "p"}, "y")), weights("p", 0, 0.5, 4, 1, 1)));
        l.add(c("clip opset 6 and 13", 13, img, List.of(node("Clip", new String[] {"x", "lo", "hi"}, "y")),
                HostileFilesTest.floats("lo", new int[0], -0.3f), HostileFilesTest.floats("hi", new int[0], 0.4f)));
        l.add(c("clip attributes", 6, img, List.of(node("Clip", new String[] {"x"}, "y", f("min", -0.2f), f("max", 0.3f)))));
        l.add(c("elu leaky sigmoid tanh", 13, img, List.of(node("Elu", new String[] {"x"}, "a", f("alpha", 0.4f)),
                node("LeakyRelu", new String[] {"a"}, "b", f("alpha", 0.2f)), node("Sigmoid", new String[] {"b"}, "c"), node("Tanh", new String[] {"c"}, "y"))));
        l.add(c("softmax opset 11 axis 1 on 4-D", 11, img, List.of(node("Softmax", new String[] {"x"}, "y", i("axis", 1)))));
        l.add(c("softmax opset 13 axis 1 on 4-D", 13, img, List.of(node("Softmax", new String[] {"x"}, "y", i("axis", 1)))));
        l.add(c("logsoftmax opset 13 axis 2 on 4-D", 13, img, List.of(node("LogSoftmax", new String[] {"x"}, "y", i("axis", 2)))));
        l.add(c("logsoftmax opset 11 axis 2 on 4-D", 11, img, List.of(node("LogSoftmax", new String[] {"x"}, "y", i("axis", 2)))));
        l.add(c("flatten axis 2 of NCHW", 13, img, List.of(node("Flatten", new String[] {"x"}, "y", i("axis", 2)))));
        l.add(c("conv then flatten then gemm", 13, img, List.of(node("Conv", new String[] {"x", "w"}, "c", ints("pads", 1, 1, 1, 1)),
                node("Flatten", new String[] {"c"}, "f"), node("Gemm", new String[] {"f", "g"}, "y")),
                weights("w", -1, 1, 3, 4, 3, 3), weights("g", -0.1, 0.1, 126, 5)));
        l.add(c("pytorch flatten subgraph", 11, img, List.of(node("Shape", new String[] {"x"}, "s"),
                node("Gather", new String[] {"s", "zero"}, "n", i("axis", 0)), node("Unsqueeze", new String[] {"n"}, "nu", ints("axes", 0)),
                node("Concat", new String[] {"nu", "minus1"}, "shape", i("axis", 0)), node("Reshape", new String[] {"x", "shape"}, "y")),
                HostileFilesTest.floats("unused", new int[] {1}, 0), scalarLong("zero", 0), longs("minus1", -1)));
        l.add(c("reshape 0 and -1, squeeze, unsqueeze opset 13", 13, img, List.of(node("Reshape", new String[] {"x", "shape"}, "r"),
                node("Unsqueeze", new String[] {"r", "ax"}, "u"), node("Squeeze", new String[] {"u", "ax"}, "y")),
                longs("shape", 0, -1, 6), longs("ax", 2)));
        l.add(c("transpose NCHW to NHWC and back to a conv", 13, img, List.of(node("Transpose", new String[] {"x"}, "t", ints("perm", 0, 2, 3, 1)),
                node("Relu", new String[] {"t"}, "r"), node("Transpose", new String[] {"r"}, "b", ints("perm", 0, 3, 1, 2)),
                node("Conv", new String[] {"b", "w"}, "y")), weights("w", -1, 1, 2, 4, 2, 2)));
        l.add(c("concat channels with a constant", 13, img, List.of(node("Concat", new String[] {"x", "k", "x"}, "y", i("axis", 1))),
                weights("k", -1, 1, 2, 2, 7, 6)));
        l.add(c("pad reflect opset 11", 11, img, List.of(node("Pad", new String[] {"x", "p"}, "y", s("mode", "reflect"))),
                longs("p", 0, 0, 1, 2, 0, 1, 2, 0)));
        l.add(c("pad edge with axes opset 18", 18, img, List.of(node("Pad", new String[] {"x", "p", "", "ax"}, "y", s("mode", "edge"))),
                longs("p", 2, 1, 0, 3), longs("ax", 2, -1)));
        l.add(c("pad constant opset 2", 7, img, List.of(node("Pad", new String[] {"x"}, "y", ints("pads", 0, 1, 0, 1, 0, 0, 2, 0), f("value", 0.5f)))));
        l.add(c("slice and expand", 13, img, List.of(node("Slice", new String[] {"x", "st", "en", "ax"}, "s"),
                node("Expand", new String[] {"s", "shape"}, "y")), longs("st", 1, -4), longs("en", 3, 100), longs("ax", 1, 2), longs("shape", 2, 2, 4, 6)));
        l.add(c("dropout opset 12 and identity", 12, img, List.of(node("Dropout", new String[] {"x", "ratio"}, "d"),
                node("Identity", new String[] {"d"}, "y")), HostileFilesTest.floats("ratio", new int[0], 0.3f)));
        l.add(c("constant of shape and cast", 13, img, List.of(node("ConstantOfShape", new String[] {"shape"}, "z"),
                node("Cast", new String[] {"z"}, "zf", i("to", 1)), node("Add", new String[] {"x", "zf"}, "y")), longs("shape", 7, 6)));
        return l;
    }

    static TensorProto scalarLong(String name, long v) {
        return TensorProto.newBuilder().setName(name).setDataType(7).addInt64Data(v).build();
    }

    static ModelProto model(Case k) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(k.name.replace(' ', '_')).addInput(input("x", k.dims))
                .addOutput(ValueInfoProto.newBuilder().setName("y"));
        k.nodes.forEach(g::addNode);
        k.inits.forEach(g::addInitializer);
        return ModelProto.newBuilder().setIrVersion(k.opset >= 13 ? 7 : 5)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(k.opset)).setGraph(g).build();
    }

    @TestFactory
    Stream<DynamicTest> eachGraphAgreesWithOnnxRuntime() {
        return cases().stream().map(k -> DynamicTest.dynamicTest(k.name, () -> {
            ModelProto proto = model(k);
            float[] x = new float[(int) OnnxTensor.count(k.dims)];
            SplittableRandom r = new SplittableRandom(k.name.hashCode());
            for (int j = 0; j < x.length; j++) x[j] = (float) (r.nextDouble() * 2 - 1);
            float[] expected;
            try (Ort ort = new Ort(proto.toByteArray())) {
                expected = ort.run(x, k.dims);
            }
            OnnxModel m = OnnxImporter.load(proto, k.name, null, OnnxOptions.defaults());
            float[] actual = m.run(OnnxTensor.ofFloats(k.dims, x)).get("y").floats();
            assertEquals(expected.length, actual.length, k.name + ": output size");
            for (int j = 0; j < actual.length; j++) {
                double err = Math.abs((double) actual[j] - expected[j]);
                if (!(err <= 1e-6 + 1e-3 * Math.abs(expected[j]))) {
                    fail(String.format("%s: element %d is %.7g, ONNX Runtime gives %.7g", k.name, j, actual[j], expected[j]));
                }
            }
            if (m.batched() && k.dims[0] > 1) {
                // The batch axis is free: the first example alone gives the first rows.
                int[] one = k.dims.clone();
                one[0] = 1;
                float[] first = m.run(OnnxTensor.ofFloats(one, Arrays.copyOf(x, x.length / k.dims[0]))).get("y").floats();
                assertArrayEquals(Arrays.copyOf(actual, first.length), first, 1e-5f, k.name + ": batch of one");
            }
        }));
    }
}
