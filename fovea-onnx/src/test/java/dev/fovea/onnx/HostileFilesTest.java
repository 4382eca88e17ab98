package dev.fovea.onnx;

import com.google.protobuf.ByteString;
import dev.fovea.FoveaException;
import dev.fovea.onnx.imp.OnnxImporter;
import dev.fovea.onnx.proto.OnnxProto.AttributeProto;
import dev.fovea.onnx.proto.OnnxProto.GraphProto;
import dev.fovea.onnx.proto.OnnxProto.ModelProto;
import dev.fovea.onnx.proto.OnnxProto.NodeProto;
import dev.fovea.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.fovea.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.fovea.onnx.proto.OnnxProto.TensorProto;
import dev.fovea.onnx.proto.OnnxProto.TensorShapeProto;
import dev.fovea.onnx.proto.OnnxProto.TypeProto;
import dev.fovea.onnx.proto.OnnxProto.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input: every damaged or unsupported file fails with one FoveaException line naming what,
 * where and what is accepted, before anything large is allocated; external data is read only
 * when allowed and only from inside the model's folder.
 */
class HostileFilesTest {
    @TempDir Path dir;

    static ValueInfoProto input(String name, int... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : dims) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    static TensorProto floats(String name, int[] dims, float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1).setRawData(ByteString.copyFrom(b.array()));
        for (int d : dims) t.addDims(d);
        return t.build();
    }

    static NodeProto node(String op, String name, String[] in, String out, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(out);
        for (String i : in) n.addInput(i);
        for (AttributeProto a : attrs) n.addAttribute(a);
        return n.build();
    }

    /** x (1, 4) -> Relu -> y, opset 13. */
    static ModelProto.Builder model(NodeProto... nodes) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(input("x", 1, 4)).addOutput(ValueInfoProto.newBuilder().setName("y"));
        if (nodes.length == 0) nodes = new NodeProto[] {node("Relu", "relu1", new String[] {"x"}, "y")};
        for (NodeProto n : nodes) g.addNode(n);
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g);
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private FoveaException refused(Path file, OnnxOptions options) {
        FoveaException e = assertThrows(FoveaException.class, () -> OnnxImporter.load(file, options));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
        return e;
    }

    private FoveaException refused(ModelProto.Builder m) throws Exception {
        return refused(write("m.onnx", m.build().toByteArray()), OnnxOptions.defaults());
    }

    @Test
    void aValidModelLoads() throws Exception {
        OnnxModel m = OnnxImporter.load(write("ok.onnx", model().build().toByteArray()), OnnxOptions.defaults());
        assertEquals(1, m.model().nodes().size());
    }

    @Test
    void truncatedAndGarbageFiles() throws Exception {
        byte[] good = model().build().toByteArray();
        for (int cut : new int[] {1, good.length / 3, good.length - 1}) {
            FoveaException e = refused(write("cut" + cut + ".onnx", Arrays.copyOf(good, cut)), OnnxOptions.defaults());
            assertTrue(e.getMessage().contains("not an ONNX model"), e.getMessage());
        }
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[1 + rng.nextInt(300)];
            for (int j = 0; j < junk.length; j++) junk[j] = (byte) rng.nextInt(256);
            refused(write("junk.onnx", junk), OnnxOptions.defaults());
        }
        refused(write("empty.onnx", new byte[0]), OnnxOptions.defaults());
    }

    @Test
    void flippedBytesNeverEscapeAsAnythingButOneLine() throws Exception {
        byte[] good = model(node("Conv", "c", new String[] {"x4", "w"}, "y")).build().toByteArray();
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < 300; i++) {
            byte[] b = good.clone();
            b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
            Path p = write("flip.onnx", b);
            try {
                OnnxImporter.load(p, OnnxOptions.defaults());
            } catch (FoveaException e) {
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            }
        }
    }

    @Test
    void unknownDomainOpsetIrAndOperator() throws Exception {
        FoveaException e = refused(model(NodeProto.newBuilder(node("Relu", "r", new String[] {"x"}, "y")).setDomain("com.example").build()));
        assertTrue(e.getMessage().contains("domain \"com.example\""), e.getMessage());
        e = refused(model().clearOpsetImport().addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(99)));
        assertTrue(e.getMessage().contains("opset 99") && e.getMessage().contains("accepted: 6 to 25"), e.getMessage());
        e = refused(model().setIrVersion(2));
        assertTrue(e.getMessage().contains("IR version 2"), e.getMessage());
        e = refused(model(node("Einsum", "up1", new String[] {"x"}, "y")));
        assertTrue(e.getMessage().contains("node \"up1\" (Einsum): operator Einsum is not supported; supported: Abs, Add,"), e.getMessage());
    }

    @Test
    void graphsThatAssignAValueTwiceAreRefused() throws Exception {
        ModelProto.Builder m = model(node("Relu", "r1", new String[] {"x"}, "y"), node("Relu", "r2", new String[] {"x"}, "y"));
        FoveaException e = refused(m);
        assertTrue(e.getMessage().contains("node \"r2\" (Relu) assigns \"y\", which is already defined")
                && e.getMessage().contains("static single assignment"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        e = refused(model(node("Relu", "r1", new String[] {"x"}, "x")));
        assertTrue(e.getMessage().contains("assigns \"x\""), e.getMessage());
    }

    @Test
    void inconsistentShapes() throws Exception {
        ModelProto.Builder m = model(node("Add", "add1", new String[] {"x", "c"}, "y"));
        m.getGraphBuilder().addInitializer(floats("c", new int[] {3}, 1, 2, 3));
        FoveaException e = refused(m);
        assertTrue(e.getMessage().contains("do not broadcast"), e.getMessage());
        ModelProto.Builder r = model(node("Reshape", "rs", new String[] {"x", "s"}, "y"));
        r.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("s").setDataType(7).addDims(2).addInt64Data(3).addInt64Data(3));
        e = refused(r);
        assertTrue(e.getMessage().contains("cannot reshape"), e.getMessage());
        ModelProto.Builder c = model(node("Conv", "conv1", new String[] {"x4", "w"}, "y"));
        c.getGraphBuilder().clearInput().addInput(input("x4", 1, 3, 8, 8)).addInitializer(floats("w", new int[] {2, 2, 1, 1}, 1, 2, 3, 4));
        e = refused(c);
        assertTrue(e.getMessage().contains("do not fit 3 input channels"), e.getMessage());
    }

    @Test
    void tensorsDeclaringMoreThanTheFileHoldsAreRefusedBeforeAllocation() throws Exception {
        ModelProto.Builder m = model(node("Add", "add1", new String[] {"x", "c"}, "y"));
        // 2^30 floats declared (4 GiB), 16 bytes present.
        m.getGraphBuilder().addInitializer(floats("c", new int[] {1 << 15, 1 << 15}, 1, 2, 3, 4));
        FoveaException e = refused(m);
        assertTrue(e.getMessage().contains("need 4294967296 bytes") && e.getMessage().contains("holds 16"), e.getMessage());
        ModelProto.Builder big = model(node("Add", "add1", new String[] {"x", "c"}, "y"));
        big.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("c").setDataType(1).addDims(1L << 40).addFloatData(1));
        e = refused(big);
        assertTrue(e.getMessage().contains("dimension 0 is 1099511627776"), e.getMessage());
        ModelProto.Builder huge = model(node("ConstantOfShape", "cos", new String[] {"s"}, "c"), node("Add", "a", new String[] {"x", "c"}, "y"));
        huge.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("s").setDataType(7).addDims(2).addInt64Data(40000).addInt64Data(40000));
        e = refused(huge);
        assertTrue(e.getMessage().contains("more values at load time"), e.getMessage());
    }

    @Test
    void externalDataOnlyWhenAllowedAndOnlyInsideTheModelsFolder() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("model"));
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4; i++) b.putFloat(i + 1);
        Files.write(sub.resolve("weights.bin"), b.array());
        Files.write(dir.resolve("outside.bin"), b.array());
        for (String location : new String[] {"weights.bin", "../outside.bin", "/etc/passwd"}) {
            ModelProto.Builder m = model(node("Add", "add1", new String[] {"x", "c"}, "y"));
            m.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("c").setDataType(1).addDims(4)
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location)));
            Path file = sub.resolve("m.onnx");
            Files.write(file, m.build().toByteArray());
            FoveaException off = refused(file, OnnxOptions.defaults());
            assertTrue(off.getMessage().contains("external data is off"), off.getMessage());
            if (location.equals("weights.bin")) {
                OnnxModel ok = OnnxImporter.load(file, OnnxOptions.defaults().withExternalData(true));
                float[] y = ok.run(OnnxTensor.ofFloats(new int[] {1, 4}, new float[4])).get("y").floats();
                assertEquals(4f, y[3]);
            } else {
                FoveaException escape = refused(file, OnnxOptions.defaults().withExternalData(true));
                assertTrue(escape.getMessage().contains("not a file inside the model's folder"), escape.getMessage());
            }
        }
    }

    @Test
    void extraInputsAndUsedSecondaryOutputs() throws Exception {
        ModelProto.Builder m = model();
        m.getGraphBuilder().addInput(input("z", 1, 4));
        FoveaException e = refused(m);
        assertTrue(e.getMessage().contains("graph input \"z\" has no value"), e.getMessage());
        ModelProto.Builder pool = model(NodeProto.newBuilder(node("MaxPool", "mp", new String[] {"x4"}, "y",
                AttributeProto.newBuilder().setName("kernel_shape").setType(AttributeProto.AttributeType.INTS).addInts(2).addInts(2).build()))
                .addOutput("idx").build());
        pool.getGraphBuilder().clearInput().addInput(input("x4", 1, 1, 4, 4)).addOutput(ValueInfoProto.newBuilder().setName("idx"));
        e = refused(pool);
        assertTrue(e.getMessage().contains("only the first output is supported"), e.getMessage());
    }
}
