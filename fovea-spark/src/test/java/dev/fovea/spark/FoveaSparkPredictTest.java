package dev.fovea.spark;

import dev.fovea.data.ImageLoader;
import dev.fovea.model.Model;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoveaSparkPredictTest {
    @TempDir static Path dir;
    static Path modelFile;
    static Path images;
    static final int N = 23;

    @BeforeAll static void data() throws Exception {
        modelFile = TinyModels.saved(dir, 7);
        images = Files.createDirectories(dir.resolve("images/nested"));
        for (int i = 0; i < N; i++) TinyModels.writePng(images.resolve("img" + i + ".png"), i, 3);
        Files.writeString(images.resolve("broken.png"), "not an image at all");
    }

    /** What one machine predicts for each file: the oracle the distributed run must equal exactly. */
    private static Map<String, float[]> singleMachine() throws Exception {
        Model m = dev.fovea.io.ModelFile.load(modelFile).model();
        Map<String, float[]> expected = new HashMap<>();
        for (int i = 0; i < N; i++) {
            Path p = images.resolve("img" + i + ".png");
            Tensor x = new ImageLoader().load(p, m.inputShape()).image();
            Tensor probs = m.predict(new Tensor(m.inputShape().withBatch(1), x.data()));
            expected.put(p.getFileName().toString(), probs.data().clone());
        }
        return expected;
    }

    @Test void binaryFilesArePredictedInBatchesAndBadFilesGetAnErrorRow() throws Exception {
        SparkSession spark = LocalSpark.get();
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(dir.resolve("images").toString()).repartition(3);
        SparkModel model = SparkModel.broadcast(spark, modelFile);
        List<Row> out = FoveaSpark.predict(files, model, PredictOptions.binaryFiles().withBatchSize(4))
                .select("path", "fovea_class", "fovea_label", "fovea_probability", "fovea_probabilities", "fovea_error")
                .collectAsList();
        assertEquals(N + 1, out.size());
        Map<String, float[]> expected = singleMachine();
        int predicted = 0;
        for (Row r : out) {
            String name = Path.of(java.net.URI.create(r.getString(0))).getFileName().toString();
            if (name.equals("broken.png")) {
                assertTrue(r.isNullAt(1) && r.isNullAt(2) && r.isNullAt(3) && r.isNullAt(4), "a bad image has no prediction");
                assertTrue(r.getString(5).contains("not a PNG, JPEG, BMP or GIF"), r.getString(5));
                continue;
            }
            assertNull(r.get(5), "no error for " + name);
            float[] probs = floats(r.getList(4));
            assertArrayEquals(expected.get(name), probs, 0f, name);
            int best = argmax(probs);
            assertEquals(best, r.getInt(1));
            assertEquals(TinyModels.CLASSES.get(best), r.getString(2));
            assertEquals(probs[best], r.getFloat(3));
            predicted++;
        }
        assertEquals(N, predicted);
    }

    @Test void theSqlFunctionPredictsOneImagePerCall() throws Exception {
        SparkSession spark = LocalSpark.get();
        SparkModel model = SparkModel.broadcast(spark, modelFile);
        FoveaSpark.registerFunction(spark, "fovea_predict", model, ImageLoader.DEFAULT_MAX_PIXELS);
        spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(dir.resolve("images").toString())
                .createOrReplaceTempView("photos");
        List<Row> out = spark.sql("SELECT path, fovea_predict(content) AS p FROM photos").collectAsList();
        Map<String, float[]> expected = singleMachine();
        for (Row r : out) {
            String name = Path.of(java.net.URI.create(r.getString(0))).getFileName().toString();
            Row p = r.getStruct(1);
            if (name.equals("broken.png")) {
                assertNotNull(p.getString(4));
            } else {
                assertArrayEquals(expected.get(name), floats(p.getList(3)), 0f, name);
            }
        }
    }

    @Test void imageStructsAndArrayColumnsGiveTheSameProbabilities() throws Exception {
        SparkSession spark = LocalSpark.get();
        SparkModel model = SparkModel.sharedPath(modelFile);
        // The image data source (in spark-mllib) yields this struct; built here from the decoded
        // PNGs: 8-bit rows, one channel for gray, three in BGR order.
        var imageStruct = new org.apache.spark.sql.types.StructType().add("origin", "string").add("height", "int")
                .add("width", "int").add("nChannels", "int").add("mode", "int").add("data", "binary");
        var schema0 = new org.apache.spark.sql.types.StructType().add("image", imageStruct);
        List<Row> structRows = new java.util.ArrayList<>();
        for (int i = 0; i < N; i++) {
            java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(images.resolve("img" + i + ".png").toFile());
            byte[] gray = new byte[64], bgr = new byte[64 * 3];
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int v = png.getRaster().getSample(x, y, 0);
                    gray[y * 8 + x] = (byte) v;
                    for (int c = 0; c < 3; c++) bgr[3 * (y * 8 + x) + c] = (byte) v;
                }
            }
            boolean colour = i % 2 == 1;   // half gray structs, half BGR: both must give the gray pixels
            structRows.add(org.apache.spark.sql.RowFactory.create(org.apache.spark.sql.RowFactory.create(
                    images.resolve("img" + i + ".png").toUri().toString(), 8, 8, colour ? 3 : 1, colour ? 16 : 0, colour ? bgr : gray)));
        }
        Dataset<Row> structs = spark.createDataFrame(structRows, schema0);
        List<Row> out = FoveaSpark.predict(structs, model, PredictOptions.column("image"))
                .select("image.origin", "fovea_probabilities", "fovea_error").collectAsList();
        Map<String, float[]> expected = singleMachine();
        assertEquals(N, out.size());
        for (Row r : out) {
            String name = Path.of(java.net.URI.create(r.getString(0))).getFileName().toString();
            assertNull(r.get(2));
            // Gray stays gray; equal B, G and R become the same luminance within float rounding.
            assertArrayEquals(expected.get(name), floats(r.getList(1)), 1e-6f, name);
        }

        Shape in = Shape.of(8, 8, 1);
        List<Row> arrays = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Tensor img = new ImageLoader().load(images.resolve("img" + i + ".png"), in).image();
            Float[] boxed = new Float[img.size()];
            for (int j = 0; j < boxed.length; j++) boxed[j] = img.data()[j];
            arrays.add(org.apache.spark.sql.RowFactory.create("img" + i + ".png", List.of(boxed)));
        }
        var schema = new org.apache.spark.sql.types.StructType()
                .add("name", "string").add("pixels", "array<float>");
        List<Row> got = FoveaSpark.predict(spark.createDataFrame(arrays, schema), model,
                PredictOptions.column("pixels").withNameColumn("name")).collectAsList();
        for (Row r : got) assertArrayEquals(expected.get(r.getString(0)), floats(r.getList(r.fieldIndex("fovea_probabilities"))), 0f);
    }

    @Test void aMissingOrWrongColumnIsAOneLineError() {
        SparkSession spark = LocalSpark.get();
        SparkModel model = SparkModel.sharedPath(modelFile);
        Dataset<Row> df = spark.range(3).toDF("id");
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.fovea.FoveaException.class,
                () -> FoveaSpark.predict(df, model, PredictOptions.column("content")));
        assertTrue(e.getMessage().contains("\"content\" is not in the data"), e.getMessage());
        var e2 = org.junit.jupiter.api.Assertions.assertThrows(dev.fovea.FoveaException.class,
                () -> FoveaSpark.predict(df, model, PredictOptions.column("id")));
        assertTrue(e2.getMessage().contains("has type bigint; accepted"), e2.getMessage());
    }

    static float[] floats(List<Object> list) {
        float[] f = new float[list.size()];
        for (int i = 0; i < f.length; i++) f[i] = ((Number) list.get(i)).floatValue();
        return f;
    }

    static int argmax(float[] p) {
        int b = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[b]) b = i;
        return b;
    }
}
