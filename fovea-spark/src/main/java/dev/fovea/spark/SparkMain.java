package dev.fovea.spark;

import dev.fovea.FoveaException;
import dev.fovea.io.FineTuning;
import dev.fovea.io.ModelFile;
import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import dev.fovea.nn.ClassifierHead;
import dev.fovea.optim.Adam;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code spark-submit} entry point: batch prediction over a folder tree of images and
 * data-parallel training on image folders (labels from sub-folder names), on whatever master
 * {@code spark-submit --master} names.
 *
 * <pre>
 * spark-submit --class dev.fovea.spark.SparkMain fovea-spark-all.jar predict \
 *     --model notes.fovea --images hdfs:///photos --output hdfs:///results.parquet [--batch-size 64]
 * spark-submit --class dev.fovea.spark.SparkMain fovea-spark-all.jar train \
 *     --model notes|notes.fovea --images /shared/train --height 28 --width 28 --channels 1 --output trained.fovea \
 *     [--epochs 5] [--batch-size 64] [--mode sync|averaging] [--k 4] [--lr 0.001] [--seed 42] [--partitions N] [--checkpoint F]
 * </pre>
 */
public final class SparkMain {
    private SparkMain() {}

    public static void main(String[] args) {
        try {
            run(args);
            SparkSession.active().stop();
        } catch (FoveaException e) {
            System.err.println("fovea-spark: error: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(String[] args) {
        if (args.length == 0) throw new FoveaException("usage: SparkMain predict|train --model M --images DIR --output OUT [options]");
        Map<String, String> o = options(args);
        SparkSession spark = SparkSession.builder().appName("fovea " + args[0]).getOrCreate();
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(required(o, "images"));
        if (o.containsKey("partitions")) files = files.repartition(positive(o, "partitions", 1));
        switch (args[0]) {
            case "predict" -> {
                SparkModel model = SparkModel.broadcast(spark, Path.of(required(o, "model")));
                PredictOptions p = PredictOptions.binaryFiles().withBatchSize(positive(o, "batch-size", 64));
                FoveaSpark.predict(files, model, p).drop("content").write().mode("errorifexists").parquet(required(o, "output"));
            }
            case "train" -> {
                List<String> classes = TrainingShards.folderClassNames(files, "path");
                Model model = initial(o, classes);
                model.compile(new Adam(Double.parseDouble(o.getOrDefault("lr", "0.001"))), "sparse_categorical_crossentropy", "accuracy");
                int epochs = positive(o, "epochs", 5), batch = positive(o, "batch-size", 64);
                SparkFitOptions f = switch (o.getOrDefault("mode", "sync")) {
                    case "sync" -> SparkFitOptions.sync(epochs, batch);
                    case "averaging" -> SparkFitOptions.averaging(epochs, batch, positive(o, "k", 4));
                    default -> throw new FoveaException("--mode " + o.get("mode") + ": accepted: sync, averaging");
                };
                f = f.withImages("content").withFolderLabels("path").withSeed(Long.parseLong(o.getOrDefault("seed", "42")));
                if (o.containsKey("checkpoint")) f = f.withCheckpoint(o.get("checkpoint"));
                SparkTrainer.Result r = SparkTrainer.fit(files, model, f);
                ModelFile.save(Path.of(required(o, "output")), r.model(), r.provenance());
                System.out.println("fovea-spark: trained " + r.history().size() + " epochs, last loss "
                        + r.history().get(r.history().size() - 1).get("loss") + "; saved " + o.get("output"));
            }
            default -> throw new FoveaException("unknown command \"" + args[0] + "\"; accepted: predict, train");
        }
    }

    /**
     * A trained .fovea (fine-tuned further; a new head when the class count differs) or a preset
     * built for --height/--width/--channels with a head of the data's class count.
     */
    private static Model initial(Map<String, String> o, List<String> classes) {
        String spec = required(o, "model");
        Model m;
        if (spec.endsWith(".fovea")) {
            m = ModelFile.load(Path.of(spec)).model();
            if (m.outputShape().dim(0) != classes.size()) m = FineTuning.withClasses(m, classes.size(), m.seed()).model();
        } else {
            if (!Presets.exists(spec)) throw new FoveaException("--model " + spec + ": neither a .fovea file nor a preset");
            m = Presets.get(spec).factory().get();
            ClassifierHead.resize(m, classes.size());
            m.build(positive(o, "height", 1), positive(o, "width", 1), positive(o, "channels", 1));
        }
        m.classNames(classes);
        return m;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) throw new FoveaException("expected --name value, got \"" + args[i] + "\"");
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) throw new FoveaException("--" + name + " is required");
        return v;
    }

    private static int positive(Map<String, String> o, String name, int fallback) {
        String v = o.get(name);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new FoveaException("--" + name + " must be a positive integer, got \"" + v + "\"");
    }
}
