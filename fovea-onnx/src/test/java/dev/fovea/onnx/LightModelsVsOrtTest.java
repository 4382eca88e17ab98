package dev.fovea.onnx;

import com.google.protobuf.ByteString;
import dev.fovea.onnx.imp.OnnxImporter;
import dev.fovea.onnx.imp.ProtoFiles;
import dev.fovea.onnx.proto.OnnxProto.GraphProto;
import dev.fovea.onnx.proto.OnnxProto.ModelProto;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;
import dev.fovea.onnx.proto.OnnxProto.TensorProto;
import dev.fovea.onnx.proto.OnnxProto.ValueInfoProto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The light architectures with random weights instead of constant ones: their stored outputs come
 * from weights that are all 0.02, which makes every class equally likely, so the conformance test
 * alone would not see most mistakes. Here every ConstantOfShape weight and every fed parameter
 * becomes a random initializer (scaled by fan-in so activations stay finite), and Fovea's import
 * must agree with ONNX Runtime on a random image, element by element.
 */
class LightModelsVsOrtTest {
    @ParameterizedTest
    @ValueSource(strings = {"light_bvlc_alexnet", "light_resnet50", "light_squeezenet"})
    void randomWeightsAgreeWithOnnxRuntime(String name) throws Exception {
        ModelProto original = ProtoFiles.readModel(ConformanceSuiteTest.root().resolve("light").resolve(name + ".onnx"));
        ModelProto proto = randomized(original, new SplittableRandom(name.hashCode()));
        ValueInfoProto in = proto.getGraph().getInput(0);
        int[] dims = {1, 3, 224, 224};   // the graphs reshape to a batch of 1
        float[] x = new float[3 * 224 * 224];
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        float[] expected;
        try (Ort ort = new Ort(proto.toByteArray())) {
            expected = ort.run(x, dims);
        }
        OnnxModel m = OnnxImporter.load(proto, name, null, OnnxOptions.defaults());
        OnnxTensor out = m.run(OnnxTensor.ofFloats(dims, x)).values().iterator().next();
        float[] actual = out.floats();
        if (actual.length != expected.length) fail(name + ": " + actual.length + " outputs, ORT gives " + expected.length);
        double spread = 0;
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs((double) actual[i] - expected[i]);
            spread = Math.max(spread, Math.abs(expected[i] - expected[0]));
            if (!(err <= 1e-5 + 1e-3 * Math.abs(expected[i]))) {
                fail(String.format("%s: output %d is %.7g, ONNX Runtime gives %.7g (input %s)", name, i, actual[i], expected[i], in.getName()));
            }
        }
        if (!(spread > 1e-4)) fail(name + ": the outputs barely differ (" + spread + "); the check would be weak");
    }

    /** The model with each ConstantOfShape weight and each non-data input replaced by a random initializer. */
    static ModelProto randomized(ModelProto m, SplittableRandom rng) {
        GraphProto g = m.getGraph();
        GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer();
        Set<String> initializerNames = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) initializerNames.add(t.getName());
        ValueInfoProto first = null;
        Set<String> fed = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (initializerNames.contains(v.getName())) continue;
            if (first == null) first = v;
            else fed.add(v.getName());
        }
        java.util.Map<String, TensorProto> shapes = new java.util.HashMap<>();
        for (TensorProto t : g.getInitializerList()) shapes.put(t.getName(), t);
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("ConstantOfShape")) {
                TensorProto s = shapes.get(n.getInput(0));
                long[] dims = new long[s.getInt64DataCount() > 0 ? s.getInt64DataCount() : s.getRawData().size() / 8];
                ByteBuffer raw = s.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < dims.length; i++) dims[i] = s.getInt64DataCount() > 0 ? s.getInt64Data(i) : raw.getLong();
                b.addInitializer(random(n.getOutput(0), dims, rng));
            } else {
                b.addNode(n);
            }
        }
        for (TensorProto t : g.getInitializerList()) {
            if (!t.getName().endsWith("__SHAPE")) b.addInitializer(t);
        }
        for (ValueInfoProto v : g.getInputList()) {
            if (!fed.contains(v.getName()) || initializerNames.contains(v.getName())) continue;
            var shape = v.getType().getTensorType().getShape();
            long[] dims = new long[shape.getDimCount()];
            for (int i = 0; i < dims.length; i++) dims[i] = shape.getDim(i).getDimValue();
            b.addInitializer(random(v.getName(), dims, rng));
        }
        // Keep only the data input; parameters are initializers now (IR 4 and up).
        b.clearInput().addInput(first);
        b.clearValueInfo();
        return m.toBuilder().setIrVersion(4).setGraph(b).build();
    }

    private static TensorProto random(String name, long[] dims, SplittableRandom rng) {
        long n = 1;
        for (long d : dims) n *= d;
        long fanIn = 1;
        for (int i = 1; i < dims.length; i++) fanIn *= dims[i];
        double limit = Math.sqrt(3.0 / Math.max(1, fanIn));
        ByteBuffer buf = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            double v = dims.length >= 2 ? (rng.nextDouble() * 2 - 1) * limit * 1.7 : 0.5 + rng.nextDouble();
            buf.putFloat((float) v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1).setRawData(ByteString.copyFrom(buf.array()));
        for (long d : dims) t.addDims(d);
        return t.build();
    }
}
