package dev.fovea.onnx;

import dev.fovea.FoveaException;
import dev.fovea.onnx.imp.OnnxImporter;
import dev.fovea.onnx.proto.OnnxProto.GraphProto;
import dev.fovea.onnx.proto.OnnxProto.ModelProto;
import dev.fovea.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.fovea.onnx.proto.OnnxProto.TensorProto;
import dev.fovea.onnx.proto.OnnxProto.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14, red-team items 3, 4 and 5 for ONNX files: sizes a file declares are checked against limits before anything is allocated. */
class LoadBudgetTest {
    @TempDir Path dir;

    private FoveaException refused(ModelProto.Builder m) throws Exception {
        Path file = dir.resolve("m.onnx");
        Files.write(file, m.build().toByteArray());
        FoveaException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(FoveaException.class, () -> OnnxImporter.load(file, OnnxOptions.defaults())));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
        return e;
    }

    /** Item 3: a 1x1x40000x40000 input would make every prediction allocate 6.4 GB. */
    @Test
    void anInputAboveTheLimitIsRefusedAtImport() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(HostileFilesTest.input("x", 1, 1, 40000, 40000))
                .addOutput(ValueInfoProto.newBuilder().setName("y"))
                .addNode(HostileFilesTest.node("Relu", "relu1", new String[] {"x"}, "y"));
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g);
        FoveaException e = refused(m);
        assertTrue(e.getMessage().contains("above the limit of 16777216"), e.getMessage());
    }

    /** Item 5: ConstantOfShape of 300M values (1.2 GB) from a 100-byte file; the limit is 2^28 values. */
    @Test
    void constantOfShapeAboveTheBudgetIsRefusedBeforeAllocation() throws Exception {
        ModelProto.Builder huge = HostileFilesTest.model(HostileFilesTest.node("ConstantOfShape", "cos", new String[] {"s"}, "c"),
                HostileFilesTest.node("Add", "a", new String[] {"x", "c"}, "y"));
        huge.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("s").setDataType(7).addDims(2).addInt64Data(75_000_000).addInt64Data(4));
        long start = System.nanoTime();
        FoveaException e = refused(huge);
        assertTrue(e.getMessage().contains("more values at load time (300000000 more) than the limit of 268435456"), e.getMessage());
        assertTrue((System.nanoTime() - start) / 1e9 < 5, "refused before allocating");
    }

    /** Item 5: Expand and folded broadcasting count against the same budget. */
    @Test
    void expandAndBroadcastFoldingCountAgainstTheBudget() throws Exception {
        ModelProto.Builder expand = HostileFilesTest.model(HostileFilesTest.node("Expand", "e", new String[] {"one", "s"}, "c"),
                HostileFilesTest.node("Add", "a", new String[] {"x", "c"}, "y"));
        expand.getGraphBuilder().addInitializer(HostileFilesTest.floats("one", new int[] {1}, 1f))
                .addInitializer(TensorProto.newBuilder().setName("s").setDataType(7).addDims(3).addInt64Data(10_000).addInt64Data(10_000).addInt64Data(4));
        assertTrue(refused(expand).getMessage().contains("than the limit of 268435456"));
        // (20000, 1) + (1, 20000): two 80 KB constants that broadcast to 400M values
        ModelProto.Builder square = HostileFilesTest.model(HostileFilesTest.node("Add", "sq", new String[] {"col", "row"}, "c"),
                HostileFilesTest.node("Add", "a", new String[] {"x", "c"}, "y"));
        square.getGraphBuilder().addInitializer(HostileFilesTest.floats("col", new int[] {20_000, 1}, new float[20_000]))
                .addInitializer(HostileFilesTest.floats("row", new int[] {1, 20_000}, new float[20_000]));
        assertTrue(refused(square).getMessage().contains("than the limit of 268435456"));
    }

    /** Item 4: NaN or infinite weights are refused with the parameter's name. */
    @Test
    void nonFiniteWeightsAreRefusedWithTheirName() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(HostileFilesTest.input("x", 1, 4))
                .addOutput(ValueInfoProto.newBuilder().setName("y"))
                .addNode(HostileFilesTest.node("Gemm", "fc", new String[] {"x", "w", "b"}, "y"))
                .addInitializer(HostileFilesTest.floats("w", new int[] {4, 2}, 1, 2, 3, Float.NaN, 5, 6, 7, 8))
                .addInitializer(HostileFilesTest.floats("b", new int[] {2}, 0, 0));
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g);
        FoveaException e = refused(m);
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("finite"), e.getMessage());
    }

    /** Item 10: a named pipe is refused at once instead of blocking forever. */
    @Test
    void aNamedPipeIsRefused() throws Exception {
        Path fifo = dir.resolve("pipe.onnx");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0) return;   // no mkfifo: nothing to test here
        try {
            FoveaException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(FoveaException.class, () -> OnnxImporter.load(fifo, OnnxOptions.defaults())));
            assertTrue(e.getMessage().contains("named pipe"), e.getMessage());
        } finally {
            new ProcessBuilder("sh", "-c", "timeout 2 sh -c 'echo > \"$0\"' " + fifo).start().waitFor();   // frees a reader stuck in open()
        }
    }
}
