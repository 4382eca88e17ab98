package dev.fovea.spark;

import dev.fovea.model.Model;
import dev.fovea.tensor.Tensor;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * The columns a prediction adds to a row, their Spark types, and their values: the top class's
 * index, its name, its probability, every probability, and the error (null when the image was
 * predicted; the other four are null when it was not).
 */
final class ClassifierRows {
    private ClassifierRows() {}

    static List<StructField> fields(String prefix) {
        return List.of(
                DataTypes.createStructField(prefix + "class", DataTypes.IntegerType, true),
                DataTypes.createStructField(prefix + "label", DataTypes.StringType, true),
                DataTypes.createStructField(prefix + "probability", DataTypes.FloatType, true),
                DataTypes.createStructField(prefix + "probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), true),
                DataTypes.createStructField(prefix + "error", DataTypes.StringType, true));
    }

    /** The same five fields as one struct, the return type of the SQL function. */
    static StructType struct() {
        return DataTypes.createStructType(fields(""));
    }

    /**
     * Class probabilities of a batch. The model is shared by every task of this executor JVM;
     * the lock keeps one forward pass at a time on it (each pass already uses every core
     * through Fovea's worker pool).
     */
    static Tensor probabilities(Model model, Tensor batch) {
        synchronized (model) {
            return model.predict(batch);
        }
    }

    static Object[] of(Tensor probs, int row, List<String> classNames) {
        int classes = probs.dim(1);
        float[] p = new float[classes];
        System.arraycopy(probs.data(), row * classes, p, 0, classes);
        int best = 0;
        for (int j = 1; j < classes; j++) if (p[j] > p[best]) best = j;
        String label = best < classNames.size() ? classNames.get(best) : Integer.toString(best);
        Float[] boxed = new Float[classes];
        for (int j = 0; j < classes; j++) boxed[j] = p[j];
        return new Object[] {best, label, p[best], scala.jdk.javaapi.CollectionConverters.asScala(List.of(boxed)).toSeq(), null};
    }

    static Object[] error(String message) {
        return new Object[] {null, null, null, null, message};
    }
}
