package dev.fovea.spark;

import dev.fovea.FoveaException;
import dev.fovea.data.ImageLoader;
import dev.fovea.tensor.Shape;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A DataFrame of labelled images as a cached RDD of {@link TrainingShard}s, one per partition,
 * decoded once with the model's stored preprocessing, and the class names its labels use.
 */
final class TrainingShards {
    final JavaRDD<TrainingShard> rdd;
    final int[] offsets;      // offsets[p]: global index of shard p's first example; last entry: the total
    final List<String> classNames;

    private TrainingShards(JavaRDD<TrainingShard> rdd, int[] offsets, List<String> classNames) {
        this.rdd = rdd;
        this.offsets = offsets;
        this.classNames = classNames;
    }

    int partitions() { return offsets.length - 1; }
    int size() { return offsets[offsets.length - 1]; }

    /**
     * Decodes and caches {@code data}. Labels come from {@code o.labelColumn()} (integers, or
     * names looked up in the model's classes) or from folder names in {@code o.pathColumn()};
     * class names are the model's when it has them, else the sorted distinct names found.
     */
    static TrainingShards of(Dataset<Row> data, Shape example, List<String> modelClasses, int classes, SparkFitOptions o) {
        ImageColumn kind = ImageColumn.of(data.schema(), o.imageColumn());
        int imageField = data.schema().fieldIndex(o.imageColumn());
        String labelSource = o.labelColumn() != null ? o.labelColumn() : o.pathColumn();
        if (!Arrays.asList(data.schema().fieldNames()).contains(labelSource)) {
            throw new FoveaException("label column \"" + labelSource + "\" is not in the data; its columns are "
                    + Arrays.asList(data.schema().fieldNames()));
        }
        int labelField = data.schema().fieldIndex(labelSource);
        DataType lt = data.schema().apply(labelSource).dataType();
        boolean numeric = o.labelColumn() != null && (lt instanceof IntegerType || lt instanceof LongType);
        if (!numeric && !(lt instanceof StringType)) {
            throw new FoveaException("label column \"" + labelSource + "\" has type " + lt.simpleString() + "; accepted: int, bigint or string");
        }
        boolean fromFolders = o.labelColumn() == null;
        List<String> names = modelClasses;
        if (!numeric && names.isEmpty()) {
            // Class names are needed before decoding: the sorted distinct names (one small job).
            names = distinctNames(data, labelField, fromFolders);
        }
        if (!numeric && names.size() != classes) {
            throw new FoveaException("the data has " + names.size() + " classes " + names + " but the model predicts " + classes);
        }
        List<String> classList = names;
        int[] dims = example.toArray();
        long maxPixels = o.maxPixels();
        JavaRDD<TrainingShard> shards = data.javaRDD().mapPartitions(rows -> {
            Shape ex = Shape.of(dims);   // Shape is not serializable: rebuilt on the executor
            ImageLoader loader = new ImageLoader(maxPixels);
            List<float[]> xs = new ArrayList<>();
            List<Integer> ys = new ArrayList<>();
            while (rows.hasNext()) {
                Row r = rows.next();
                String where = fromFolders ? r.getString(labelField) : "row with label " + r.get(labelField);
                xs.add(kind.decode(r.get(imageField), ex, loader, where));
                int y;
                if (numeric) {
                    long v = ((Number) r.get(labelField)).longValue();
                    if (v < 0 || v >= classes) throw new FoveaException(where + ": label " + v + " is outside the model's classes [0, " + classes + ")");
                    y = (int) v;
                } else {
                    String name = fromFolders ? folderOf(r.getString(labelField)) : r.getString(labelField);
                    y = classList.indexOf(name);
                    if (y < 0) throw new FoveaException(where + ": class \"" + name + "\" is not one of " + classList);
                }
                ys.add(y);
            }
            int per = ex.size();
            float[] x = new float[xs.size() * per];
            for (int i = 0; i < xs.size(); i++) System.arraycopy(xs.get(i), 0, x, i * per, per);
            int[] y = ys.stream().mapToInt(Integer::intValue).toArray();
            return List.of(new TrainingShard(dims, x, y)).iterator();
        }, true).persist(StorageLevel.MEMORY_ONLY());
        List<Integer> sizes = shards.map(TrainingShard::size).collect();   // in partition order
        int[] offsets = new int[sizes.size() + 1];
        for (int p = 0; p < sizes.size(); p++) offsets[p + 1] = offsets[p] + sizes.get(p);
        if (offsets[sizes.size()] == 0) throw new FoveaException("the training data is empty");
        return new TrainingShards(shards, offsets, numeric ? modelClasses : classList);
    }

    /** The sorted names of the folders holding the files of {@code pathColumn}: the classes of an image-folder tree. */
    static List<String> folderClassNames(Dataset<Row> data, String pathColumn) {
        return distinctNames(data, data.schema().fieldIndex(pathColumn), true);
    }

    private static List<String> distinctNames(Dataset<Row> data, int field, boolean fromFolders) {
        List<String> found = new ArrayList<>(data.javaRDD()
                .map(r -> fromFolders ? folderOf(r.getString(field)) : r.getString(field)).distinct().collect());
        found.sort(null);
        return List.copyOf(found);
    }

    /** "file:/data/train/cat/1.png" -> "cat". */
    static String folderOf(String path) {
        if (path == null) throw new FoveaException("a path is null: cannot take its label from a folder name");
        String p = path.replace('\\', '/');
        int end = p.lastIndexOf('/');
        int start = end <= 0 ? -1 : p.lastIndexOf('/', end - 1);
        if (end <= 0 || end - start <= 1) throw new FoveaException(path + ": no folder name to take the label from");
        return p.substring(start + 1, end);
    }

    void release() {
        rdd.unpersist(false);
    }
}
