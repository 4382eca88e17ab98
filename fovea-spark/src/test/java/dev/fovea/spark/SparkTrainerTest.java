package dev.fovea.spark;

import dev.fovea.io.ModelFile;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.optim.Adam;
import dev.fovea.optim.SGD;
import dev.fovea.tensor.Tensor;
import dev.fovea.train.FitOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkTrainerTest {
    static final int N = 96;
    static final long SEED = 11;

    @TempDir Path dir;

    /** N labelled 8x8 images, as a DataFrame of (pixels array, label) in `partitions` partitions, and as tensors. */
    static Dataset<Row> frame(SparkSession spark, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            float[] px = TinyModels.image(i, 5).data();
            List<Float> boxed = new ArrayList<>(px.length);
            for (float v : px) boxed.add(v);
            rows.add(RowFactory.create(boxed, i % 3));
        }
        StructType schema = new StructType().add("image", "array<float>").add("label", "int");
        return spark.createDataFrame(rows, schema).repartition(partitions).sortWithinPartitions("label").coalesce(partitions);
    }

    /** The same examples in the DataFrame's order after partitioning, for single-machine training. */
    static Tensor images(List<Row> rows) {
        float[] x = new float[rows.size() * 64];
        for (int i = 0; i < rows.size(); i++) {
            List<Object> px = rows.get(i).getList(0);
            for (int j = 0; j < 64; j++) x[i * 64 + j] = ((Number) px.get(j)).floatValue();
        }
        return Tensor.of(x, rows.size(), 8, 8, 1);
    }

    static int[] labels(List<Row> rows) {
        return rows.stream().mapToInt(r -> r.getInt(1)).toArray();
    }

    static Model compiled(boolean adam) {
        Model m = TinyModels.cnn(SEED);
        m.compile(adam ? new Adam(0.01) : new SGD(0.1), "sparse_categorical_crossentropy", "accuracy");
        return m;
    }

    static void assertBitIdentical(Model a, Model b) {
        List<Parameter> pa = a.parameters(), pb = b.parameters();
        assertEquals(pa.size(), pb.size());
        for (int i = 0; i < pa.size(); i++) {
            float[] x = pa.get(i).value().data(), y = pb.get(i).value().data();
            for (int j = 0; j < x.length; j++) {
                if (Float.floatToRawIntBits(x[j]) != Float.floatToRawIntBits(y[j])) {
                    throw new AssertionError(pa.get(i).name() + "[" + j + "]: " + x[j] + " vs " + y[j]);
                }
            }
        }
    }

    static boolean changed(Model trained) {
        Model fresh = TinyModels.cnn(SEED);
        float[] a = trained.parameters().get(0).value().data(), b = fresh.parameters().get(0).value().data();
        for (int j = 0; j < a.length; j++) if (a[j] != b[j]) return true;
        return false;
    }

    @Test void syncOnLocal1IsBitIdenticalToSingleMachineFit() {
        SparkSession spark = LocalSpark.get("local[1]");
        Dataset<Row> df = frame(spark, 1).cache();
        List<Row> rows = df.collectAsList();
        Model single = compiled(true);
        single.fit(images(rows), labels(rows), FitOptions.epochs(3).batchSize(16).seed(SEED));
        Model spread = compiled(true);
        SparkTrainer.Result r = SparkTrainer.fit(df, spread, SparkFitOptions.sync(3, 16).withSeed(SEED));
        assertTrue(changed(spread), "training changed the weights");
        assertBitIdentical(single, spread);
        assertEquals(3, r.history().size());
        assertEquals("sync", r.provenance().get("mode"));
    }

    @Test void syncOverFourPartitionsEqualsOneMachineWithTheGlobalBatchWithinRounding() {
        SparkSession spark = LocalSpark.get("local[4]");
        Dataset<Row> df = frame(spark, 4).cache();
        assertEquals(4, df.rdd().getNumPartitions());
        List<Row> rows = df.collectAsList();
        Model single = compiled(false);
        single.fit(images(rows), labels(rows), FitOptions.epochs(2).batchSize(32).seed(SEED));
        Model spread = compiled(false);
        SparkTrainer.fit(df, spread, SparkFitOptions.sync(2, 32).withSeed(SEED));
        // The same gradient summed in another order (per partition, then across): rounding only.
        List<Parameter> a = single.parameters(), b = spread.parameters();
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            float[] x = a.get(i).value().data(), y = b.get(i).value().data();
            for (int j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j] - y[j]));
        }
        assertTrue(worst < 1e-5, "max |difference| " + worst);
        assertTrue(changed(spread));

        // Deterministic whatever the task timing: a second run gives the same bits.
        Model again = compiled(false);
        SparkTrainer.fit(df, again, SparkFitOptions.sync(2, 32).withSeed(SEED));
        assertBitIdentical(spread, again);
    }

    @Test void averagingOnOnePartitionIsLocalTrainingAndOnFourIsDeterministicAndLearns() {
        SparkSession spark = LocalSpark.get("local[4]");
        Dataset<Row> one = frame(spark, 1).cache();
        List<Row> rows = one.collectAsList();
        // One partition: rounds of K local steps, with weights and Adam's moments handed back and
        // forth, are exactly local training with the shard's seed.
        Model single = compiled(true);
        single.fit(images(rows), labels(rows), FitOptions.epochs(2).batchSize(8).seed(Workers.shardSeed(SEED, 0)));
        Model spread = compiled(true);
        SparkTrainer.fit(one, spread, SparkFitOptions.averaging(2, 8, 3).withSeed(SEED));
        assertBitIdentical(single, spread);

        Dataset<Row> four = frame(spark, 4).cache();
        Model a = compiled(true), b = compiled(true);
        SparkTrainer.Result ra = SparkTrainer.fit(four, a, SparkFitOptions.averaging(20, 8, 2).withSeed(SEED));
        SparkTrainer.fit(four, b, SparkFitOptions.averaging(20, 8, 2).withSeed(SEED));
        assertBitIdentical(a, b);
        double first = ra.history().get(0).get("loss"), last = ra.history().get(19).get("loss");
        assertTrue(last < first * 0.7, "loss " + first + " -> " + last);
        List<Row> all = four.collectAsList();
        double acc = a.evaluate(images(all), labels(all)).get("accuracy");
        assertTrue(acc > 0.9, "accuracy " + acc);
    }

    @Test void aCheckpointedRunResumesBitIdentically() {
        SparkSession spark = LocalSpark.get("local[4]");
        Dataset<Row> df = frame(spark, 2).cache();
        Model straight = compiled(true);
        SparkTrainer.fit(df, straight, SparkFitOptions.sync(2, 16).withSeed(SEED));

        Path ckpt = dir.resolve("run.ckpt.fovea");
        Model first = compiled(true);
        SparkTrainer.fit(df, first, SparkFitOptions.sync(1, 16).withSeed(SEED).withCheckpoint(ckpt.toString()));
        assertTrue(Files.exists(ckpt));
        Model resumed = compiled(true);
        SparkTrainer.Result r = SparkTrainer.fit(df, resumed, SparkFitOptions.sync(2, 16).withSeed(SEED).withResume(ckpt.toString()));
        assertBitIdentical(straight, resumed);
        assertEquals(2, r.history().size(), "the resumed history holds both epochs");

        // The result is a normal model file, with provenance saying how it was trained.
        Path out = dir.resolve("spark.fovea");
        ModelFile.save(out, resumed, r.provenance());
        ModelFile.Saved saved = ModelFile.load(out);
        assertEquals("fovea-spark", saved.provenance().get("trained_with"));
        assertBitIdentical(resumed, saved.model());
    }

    @Test void labelsFromFolderNamesOfBinaryFiles() throws Exception {
        SparkSession spark = LocalSpark.get("local[4]");
        for (int i = 0; i < 30; i++) {
            Path folder = Files.createDirectories(dir.resolve("train").resolve(TinyModels.CLASSES.get(i % 3)));
            TinyModels.writePng(folder.resolve(i + ".png"), i, 9);
        }
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(dir.resolve("train").toString());
        Model m = TinyModels.cnn(SEED);
        m.classNames(List.of());
        m.compile(new Adam(0.01), "sparse_categorical_crossentropy", "accuracy");
        SparkTrainer.fit(files, m, SparkFitOptions.sync(20, 10).withSeed(SEED).withImages("content").withFolderLabels("path"));
        assertEquals(List.of("bright", "dark", "striped"), m.classNames(), "sorted folder names");
        List<Row> out = FoveaSpark.predict(files, SparkModel.broadcast(spark, save(m)), PredictOptions.binaryFiles()).collectAsList();
        int right = 0;
        for (Row r : out) {
            String folder = TrainingShards.folderOf(r.getString(r.fieldIndex("path")));
            if (folder.equals(r.getString(r.fieldIndex("fovea_label")))) right++;
        }
        assertTrue(right >= 27, right + " of 30 right");
    }

    private Path save(Model m) {
        Path f = dir.resolve("folders.fovea");
        ModelFile.save(f, m, java.util.Map.of());
        return f;
    }
}
