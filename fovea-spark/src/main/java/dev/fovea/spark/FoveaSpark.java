package dev.fovea.spark;

import dev.fovea.data.ImageLoader;
import dev.fovea.model.Model;
import dev.fovea.tensor.Tensor;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fovea on Apache Spark: batch inference over a DataFrame of images, as a DataFrame operation
 * and as a SQL function, and (see {@code SparkTrainer}) data-parallel training.
 *
 * <pre>{@code
 * Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load("s3://photos/");
 * SparkModel model = SparkModel.broadcast(spark, Path.of("notes.fovea"));
 * Dataset<Row> out = FoveaSpark.predict(files, model, PredictOptions.binaryFiles());
 * out.select("path", "fovea_label", "fovea_probability", "fovea_error").write().parquet("s3://results/");
 * }</pre>
 */
public final class FoveaSpark {
    private FoveaSpark() {}

    /**
     * The rows of {@code images} with five columns added (see {@link PredictOptions#outputPrefix()}):
     * the top class, its name, its probability, all probabilities, and an error for images that
     * could not be read (whose other four columns are null; the job goes on). Each partition is
     * decoded and predicted a batch at a time with the model's stored preprocessing; the model is
     * shipped and loaded once per executor ({@link SparkModel}).
     */
    public static Dataset<Row> predict(Dataset<Row> images, SparkModel model, PredictOptions options) {
        StructType in = images.schema();
        ImageColumn kind = ImageColumn.of(in, options.imageColumn());
        int imageField = in.fieldIndex(options.imageColumn());
        int nameField = options.nameColumn() == null ? -1 : in.fieldIndex(options.nameColumn());
        List<StructField> added = ClassifierRows.fields(options.outputPrefix());
        ImageColumn.checkFree(in, added);
        List<StructField> all = new ArrayList<>(Arrays.asList(in.fields()));
        all.addAll(added);
        StructType out = new StructType(all.toArray(StructField[]::new));
        MapPartitionsFunction<Row, Row> f = rows -> new PartitionPredictor(rows, model.get(), options, kind, imageField, nameField);
        return images.mapPartitions(f, Encoders.row(out));
    }

    /**
     * Registers {@code name} as a SQL function of one image value (binary file bytes, the image
     * source's struct, or an array) returning a struct (class, label, probability,
     * probabilities, error). It predicts one image per call; {@link #predict} batches and is the
     * faster way over whole tables.
     */
    public static void registerFunction(SparkSession spark, String name, SparkModel model, long maxPixels) {
        UDF1<Object, Row> udf = value -> {
            Model m = model.get();
            try {
                float[] x = decodeAny(value, m, maxPixels);
                Tensor batch = new Tensor(m.inputShape().withBatch(1), x);
                return RowFactory.create(ClassifierRows.of(ClassifierRows.probabilities(m, batch), 0, m.classNames()));
            } catch (RuntimeException e) {
                return RowFactory.create(ClassifierRows.error(e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        };
        spark.udf().register(name, udf, ClassifierRows.struct());
    }

    private static float[] decodeAny(Object value, Model m, long maxPixels) {
        ImageColumn kind = value instanceof byte[] ? ImageColumn.ENCODED : value instanceof Row ? ImageColumn.SPARK_IMAGE : ImageColumn.ARRAY;
        return kind.decode(value, m.inputShape(), new ImageLoader(maxPixels), "image");
    }
}
