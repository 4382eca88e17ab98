package dev.fovea.spark;

import dev.fovea.data.ImageLoader;
import dev.fovea.io.ModelFile;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.FitOptions;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spark standalone cluster, not a mock: a Master and two Workers on 127.0.0.1, each its own
 * JVM, whose Workers launch the executors that run Fovea's training and inference. The oracles are
 * the same runs on {@code local[1]} and on one machine: work shipped across JVMs must give the same
 * bits, because the reductions are ordered by partition index, never by where or when a task ran.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class StandaloneClusterTest {
    static final int N = 96;
    static final long SEED = 11;
    static final int EPOCHS = 3, BATCH = 16;
    /** The whole tier, on a machine shared by many builds: start, train, predict, stop. */
    static final int TOTAL_SECONDS = 8 * 60;

    @TempDir static Path dir;
    static StandaloneCluster cluster;
    static SparkSession spark;
    static long started;

    /** Weights from SYNC training on local[1] over the same two slices, and from Model.fit on one machine. */
    static Model localTwoSlices, singleMachine;

    @BeforeAll static void startClusterAfterTheLocalReferences() {
        started = System.nanoTime();
        // References first: a JVM holds one SparkContext, and the cluster session replaces the local one.
        SparkSession local = LocalSpark.get("local[1]");
        localTwoSlices = SparkTrainerTest.compiled(true);
        SparkTrainer.fit(slices(local, 2), localTwoSlices, SparkFitOptions.sync(EPOCHS, BATCH).withSeed(SEED));
        List<Row> rows = slices(local, 1).collectAsList();
        singleMachine = SparkTrainerTest.compiled(true);
        singleMachine.fit(SparkTrainerTest.images(rows), SparkTrainerTest.labels(rows), FitOptions.epochs(EPOCHS).batchSize(BATCH).seed(SEED));
        LocalSpark.stop();

        cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, "512m");
        spark = SparkSession.builder().master(cluster.masterUrl()).appName("fovea-standalone-cluster-test")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "512m")
                .config("spark.executor.cores", "1")
                .config("spark.cores.max", "2")
                .config("spark.sql.shuffle.partitions", "2")
                // Everything is on one machine, so executors can read the test's own classpath:
                // Fovea's classes (target/classes of fovea-core, fovea-data, fovea-spark) and the tests'.
                .config("spark.executor.extraClassPath", StandaloneCluster.classPath())
                .config("spark.executor.extraJavaOptions", String.join(" ", StandaloneCluster.jvmOptions()))
                .getOrCreate();
        assertEquals(cluster.masterUrl(), spark.sparkContext().master(), "a session left over from another test would not be the cluster");
        awaitExecutors(2, 180);
    }

    @AfterAll static void stopEverything() {
        try {
            if (spark != null) spark.stop();
        } finally {
            if (cluster != null) cluster.close();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("StandaloneClusterTest: references, cluster start, jobs and shutdown took %.1f s (load %.1f)%n",
                seconds, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        assertTrue(seconds < TOTAL_SECONDS, "the cluster tier took " + seconds + " s, more than its bound of " + TOTAL_SECONDS + " s");
    }

    /** Waits until the driver sees {@code n} executors (plus itself) registered through the Master. */
    static void awaitExecutors(int n, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (spark.sparkContext().getExecutorMemoryStatus().size() < n + 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + (spark.sparkContext().getExecutorMemoryStatus().size() - 1) + " of " + n
                        + " executors registered within " + seconds + " s\n" + cluster.logTails());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * The N training examples in {@code parts} contiguous slices: parallelize slices a list the same
     * way whatever the master, so local[1] and the cluster train on identical partitions.
     */
    static Dataset<Row> slices(SparkSession s, int parts) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            // A float[] (not a List) for array<float>: the RDD path encodes rows without conversion.
            rows.add(RowFactory.create(TinyModels.image(i, 5).data(), i % 3));
        }
        StructType schema = new StructType().add("image", "array<float>").add("label", "int");
        return s.createDataFrame(JavaSparkContext.fromSparkContext(s.sparkContext()).parallelize(rows, parts), schema);
    }

    @Test void jobsRunOnTheWorkersExecutorsNotInTheDriver() {
        List<String> ids = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 8)
                .map(x -> SparkEnv.get().executorId()).collect();
        Set<String> where = new HashSet<>(ids);
        assertTrue(!where.isEmpty() && !where.contains("driver"), "tasks ran on " + where);
        assertEquals(2, spark.sparkContext().getExecutorMemoryStatus().size() - 1, "two executors, one per worker");
    }

    @Test void syncTrainingOnTheClusterGivesTheBitsOfLocalAndOfOneMachine() throws Exception {
        // Two slices, one per executor: the gradients of both are summed in partition order on the
        // driver, exactly as on local[1] where one thread computes both: the same bits.
        Model twoExecutors = SparkTrainerTest.compiled(true);
        SparkTrainer.Result r = SparkTrainer.fit(slices(spark, 2).cache(), twoExecutors, SparkFitOptions.sync(EPOCHS, BATCH).withSeed(SEED));
        assertTrue(SparkTrainerTest.changed(twoExecutors), "training changed the weights");
        SparkTrainerTest.assertBitIdentical(localTwoSlices, twoExecutors);
        assertEquals(EPOCHS, r.history().size());
        assertEquals(2, ((Number) r.provenance().get("partitions")).intValue(), "provenance: " + r.provenance());
        // Against one machine the two-slice sum is the same gradient added in another order: rounding only.
        assertTrue(maxDifference(singleMachine, twoExecutors) < 1e-5, "max |difference| " + maxDifference(singleMachine, twoExecutors));

        // One slice on one executor of the cluster is Model.fit with the same seed, to the bit.
        Model oneExecutor = SparkTrainerTest.compiled(true);
        SparkTrainer.fit(slices(spark, 1), oneExecutor, SparkFitOptions.sync(EPOCHS, BATCH).withSeed(SEED));
        SparkTrainerTest.assertBitIdentical(singleMachine, oneExecutor);
    }

    @Test void predictionsOnTheClusterEqualOneMachineToTheBit() throws Exception {
        Path modelFile = TinyModels.saved(dir, 7);
        Path images = Files.createDirectories(dir.resolve("images"));
        int n = 20;
        for (int i = 0; i < n; i++) TinyModels.writePng(images.resolve("img" + i + ".png"), i, 3);
        // The executors read the files themselves (same machine: file: paths reach them).
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString()).repartition(2);
        List<Row> out = FoveaSpark.predict(files, SparkModel.broadcast(spark, modelFile), PredictOptions.binaryFiles().withBatchSize(4))
                .select("path", "fovea_class", "fovea_label", "fovea_probabilities", "fovea_error").collectAsList();
        assertEquals(n, out.size());

        Model m = ModelFile.load(modelFile).model();
        Set<String> seen = new HashSet<>();
        for (Row row : out) {
            Path p = Path.of(URI.create(row.getString(0)));
            assertNull(row.get(4), "no error for " + p);
            Tensor x = new ImageLoader().load(p, m.inputShape()).image();
            float[] expected = m.predict(new Tensor(m.inputShape().withBatch(1), x.data())).data();
            float[] got = new float[expected.length];
            List<Object> probs = row.getList(3);
            for (int i = 0; i < got.length; i++) got[i] = ((Number) probs.get(i)).floatValue();
            assertArrayEquals(expected, got, 0f, p.toString());
            int best = 0;
            for (int i = 1; i < got.length; i++) if (got[i] > got[best]) best = i;
            assertEquals(best, row.getInt(1));
            assertEquals(TinyModels.CLASSES.get(best), row.getString(2));
            seen.add(p.getFileName().toString());
        }
        assertEquals(n, seen.size(), "every file predicted once");
    }

    static double maxDifference(Model a, Model b) {
        List<Parameter> pa = a.parameters(), pb = b.parameters();
        double worst = 0;
        for (int i = 0; i < pa.size(); i++) {
            float[] x = pa.get(i).value().data(), y = pb.get(i).value().data();
            for (int j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j] - y[j]));
        }
        return worst;
    }
}
