package dev.fovea.io;

import dev.fovea.FoveaException;
import dev.fovea.model.Sequential;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14's red-team findings against model files and the core's limits, each reproduced first. */
class HostileModelFileTest {
    @TempDir Path dir;

    /** A (4,) input -> Dense(3) classifier with three class names. */
    static Sequential model() {
        Sequential m = Sequential.of(new Flatten(), new Dense(3, "softmax"));
        m.seed(1).build(4);
        m.classNames(List.of("a", "b", "c"));
        return m;
    }

    /**
     * Item 2: a model file of a few hundred KB whose weights header declares a 256 MB tensor (its
     * zeros deflate to almost nothing) is refused from the header, before the tensor is allocated:
     * proved in a forked JVM with a 96 MB heap, where allocating it would be an OutOfMemoryError.
     */
    @Test
    void aTensorDeclaredLargerThanItsParameterIsRefusedBeforeAllocationUnderASmallHeap() throws Exception {
        Path file = dir.resolve("bomb.fovea");
        int floats = 64 << 20;   // 256 MB
        byte[] header = safetensorsHeader("dense/kernel", new int[] {4096, floats / 4096}, (long) floats * 4);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.setLevel(Deflater.BEST_SPEED);
            zip.putNextEntry(new ZipEntry("model.json"));
            zip.write(ModelJson.write(model(), Map.of()).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("weights.safetensors"));
            zip.write(header);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < floats * 4L / zeros.length; i++) zip.write(zeros);
            zip.closeEntry();
        }
        assertTrue(Files.size(file) < 2 << 20, "the file is small: " + Files.size(file));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Xmx96m", "-cp", System.getProperty("java.class.path"), LoadModel.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the forked load finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), "refused with a FoveaException, not " + out);
        assertTrue(out.contains("tensor 'dense/kernel' declares shape [4096, 16384] (256 MiB) but the architecture's parameter"), out);
    }

    /** The forked JVM's body: loads a model file; exit 0 and the message on a FoveaException, 3 on OutOfMemoryError. */
    public static final class LoadModel {
        public static void main(String[] args) {
            try {
                ModelFile.load(Path.of(args[0]));
                System.out.println("loaded");
                System.exit(2);
            } catch (FoveaException e) {
                System.out.println(e.getMessage());
                System.exit(0);
            } catch (OutOfMemoryError e) {
                System.out.println("OutOfMemoryError: " + e.getMessage());
                System.exit(3);
            }
        }
    }

    /** Item 2, checkpoints: optimizer tensors must be slots of parameters, at their shapes. */
    @Test
    void optimizerTensorsMustBeSlotsOfParameters() {
        Sequential m = model();
        ArchiveContents base = ModelFile.contents(m, Map.of());
        Map<String, Tensor> slots = new LinkedHashMap<>();
        slots.put("dense/kernel#0", Tensor.zeros(40, 40));
        Path f = dir.resolve("ckpt.fovea");
        ModelArchive.write(f, base.with(ArchiveEntry.OPTIMIZER, TensorFile.of(slots)).with(ArchiveEntry.TRAINING_JSON, "{}"));
        FoveaException e = assertThrows(FoveaException.class, () -> Checkpoint.load(f));
        assertTrue(e.getMessage().contains("optimizer.safetensors: tensor 'dense/kernel#0' declares shape [40, 40]"), e.getMessage());
        slots.clear();
        slots.put("nothing#0", Tensor.zeros(2));
        ModelArchive.write(f, base.with(ArchiveEntry.OPTIMIZER, TensorFile.of(slots)).with(ArchiveEntry.TRAINING_JSON, "{}"));
        e = assertThrows(FoveaException.class, () -> Checkpoint.load(f));
        assertTrue(e.getMessage().contains("belongs to no parameter"), e.getMessage());
    }

    /** Item 4: NaN or infinite weights are refused at load, naming the tensor. */
    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() {
        Sequential m = model();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (var p : m.parameters()) weights.put(p.name(), p.value().copy());
        weights.get("dense/kernel").data()[5] = Float.NaN;
        weights.get("dense/bias").data()[0] = Float.POSITIVE_INFINITY;
        Path f = dir.resolve("nan.fovea");
        ModelArchive.write(f, ModelJson.write(m, Map.of()), weights);
        FoveaException e = assertThrows(FoveaException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("tensor \"dense/kernel\" holds NaN at flat index 5"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    /** Item 8: the class names must be one per output. */
    @Test
    void classNamesMustMatchTheOutputCount() {
        Sequential m = model();
        String json = ModelJson.write(m, Map.of()).replace("\"c\"", "\"c\", \"d\", \"e\"");
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (var p : m.parameters()) weights.put(p.name(), p.value());
        Path f = dir.resolve("labels.fovea");
        ModelArchive.write(f, json, weights);
        FoveaException e = assertThrows(FoveaException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("class_names lists 5 names but the model has 3 outputs"), e.getMessage());
    }

    /** Item 3: the model's input size has a limit, checked before the model is built. */
    @Test
    void anInputAboveTheLimitIsRefusedBeforeTheModelIsBuilt() {
        String json = "{\"format\": \"fovea.model\", \"format_version\": 1, \"architecture\": {\"class_name\": \"Sequential\","
                + " \"input_shape\": [40000, 40000, 1], \"layers\": [{\"class_name\": \"Flatten\"}]}}";
        FoveaException e = assertThrows(FoveaException.class, () -> ModelJson.read(json, "m.json"));
        assertTrue(e.getMessage().contains("input_shape") && e.getMessage().contains("1600000000 values per example, above the limit of 16777216"),
                e.getMessage());
    }

    /** Item 10: a named pipe is refused at once instead of blocking forever. */
    @Test
    void aNamedPipeIsNotReadAsAModel() throws Exception {
        Path fifo = dir.resolve("pipe.fovea");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0) return;   // no mkfifo on this system
        try {
            FoveaException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(FoveaException.class, () -> ModelFile.load(fifo)));
            assertTrue(e.getMessage().contains("named pipe"), e.getMessage());
        } finally {
            new ProcessBuilder("sh", "-c", "timeout 2 sh -c 'echo > \"$0\"' " + fifo).start().waitFor();   // frees a reader stuck in open()
        }
    }

    /** kill -9 during a save leaves .NAME.RANDOM.tmp; the next save of that file removes it (only ours, only old ones). */
    @Test
    void theNextSaveRemovesStaleTemporaryFilesOfTheSameTarget() throws Exception {
        Path target = dir.resolve("m.fovea");
        Path stale = dir.resolve(".m.fovea.0123456789abcdef.tmp");
        Path fresh = dir.resolve(".m.fovea.fedcba9876543210.tmp");
        Path otherTarget = dir.resolve(".n.fovea.0123456789abcdef.tmp");
        Path notOurs = dir.resolve(".m.fovea.backup.tmp");
        for (Path p : List.of(stale, fresh, otherTarget, notOurs)) Files.write(p, new byte[1000]);
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofMinutes(5)));
        for (Path p : List.of(stale, otherTarget, notOurs)) Files.setLastModifiedTime(p, old);
        ModelFile.save(target, model(), Map.of());
        assertFalse(Files.exists(stale), "a stale temporary file of this target is removed");
        assertTrue(Files.exists(fresh), "a fresh one may belong to a save in progress");
        assertTrue(Files.exists(otherTarget), "another target's is left");
        assertTrue(Files.exists(notOurs), "a name Fovea does not make is left");
    }

    /** Item 6: the thread count has an upper bound (100,000 threads once hung a machine). */
    @Test
    void threadsAreBounded() {
        int cores = Runtime.getRuntime().availableProcessors();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(4 * cores + 1));
        assertTrue(e.getMessage().contains("threads must be 1.." + 4 * cores), e.getMessage());
    }

    /** The 8-byte length and a JSON header for one F32 tensor of this shape and byte size. */
    static byte[] safetensorsHeader(String name, int[] shape, long bytes) throws IOException {
        String json = "{\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + java.util.Arrays.toString(shape).replace(" ", "")
                + ",\"data_offsets\":[0," + bytes + "]}}";
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(j.length).array());
        out.write(j);
        return out.toByteArray();
    }

}
