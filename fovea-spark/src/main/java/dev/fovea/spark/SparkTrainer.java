package dev.fovea.spark;

import dev.fovea.FoveaException;
import dev.fovea.io.Checkpoint;
import dev.fovea.json.Json;
import dev.fovea.io.ModelJson;
import dev.fovea.io.OptimizerJson;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.optim.Optimizer;
import dev.fovea.train.FitOptions;
import dev.fovea.train.InMemoryData;
import dev.fovea.train.TrainingState;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Data-parallel training of a compiled {@link Model} over a Spark DataFrame of labelled images.
 *
 * <p>The data is decoded once into one cached {@link TrainingShard} per partition; the driver
 * holds the model and its optimizer; executors hold one replica per partition.
 *
 * <p><b>SYNC</b> (the correctness mode): every step the driver draws the global batch exactly as
 * one machine would ({@link InMemoryData#epochOrder}, same seed), broadcasts the weights, and
 * each partition computes the gradient of its members of that batch, weighted by their share.
 * The driver sums the gradients in partition-index order (never in arrival order) and takes one
 * optimizer step. With one partition this is, operation for operation, what {@code Model.fit}
 * does, so the weights are bit-identical; with several the gradient is the same sum taken in
 * another order, equal within float rounding. Non-trainable state (batch-norm moving statistics)
 * is the members-weighted mean of the replicas' values; batch normalisation uses each
 * partition's own batch statistics, as PyTorch's DistributedDataParallel does without SyncBN.
 *
 * <p><b>AVERAGING</b> (the throughput mode): each round, every partition starts from the driver's
 * weights and optimizer state, takes up to K local steps of its own batches (a shard-local order
 * from the run seed and its index), and sends back weights and optimizer state; the driver sets
 * each to the mean over partitions weighted by examples, in partition order. Averaging the
 * optimizer's moments (Adam's m and v, SGD's velocity) keeps them consistent with the averaged
 * weights instead of restarting them every round; its step count advances by the most local
 * steps any partition took. An epoch is one pass of every shard over its own examples.
 *
 * <p>Both modes are deterministic: results are combined by partition index, so two runs with one
 * seed and one partitioning give bit-identical weights whatever the task timing. A checkpoint is
 * written after every epoch when asked, and a run resumes from it at that epoch.
 */
public final class SparkTrainer {
    /** The trained model (the one passed in, trained in place), per-epoch logs, and provenance for its file. */
    public record Result(Model model, List<Map<String, Double>> history, Map<String, Object> provenance) {}

    private SparkTrainer() {}

    /** Trains {@code model} (compiled: its optimizer is used) on {@code data}; see the class comment. */
    public static Result fit(Dataset<Row> data, Model model, SparkFitOptions o) {
        if (!model.isCompiled()) throw new FoveaException("SparkTrainer.fit: the model must be compiled (Model.compile) to give the optimizer");
        Optimizer optimizer = model.trainer().optimizer();
        if (optimizer == null) throw new FoveaException("SparkTrainer.fit: the model was compiled without an optimizer");
        TrainingState start = TrainingState.start(o.seed() != null ? o.seed() : model.seed());
        if (o.resume() != null) start = resume(Path.of(o.resume()), model, optimizer);
        int classes = model.outputShape().dim(0);
        TrainingShards shards = TrainingShards.of(data, model.inputShape(), model.classNames(), classes, o);
        try {
            if (model.classNames().isEmpty() && !shards.classNames.isEmpty()) model.classNames(shards.classNames);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
            Run run = new Run(sc, shards, model, optimizer, o, start);
            List<Map<String, Double>> history = new ArrayList<>(start.history());
            for (int epoch = start.epoch(); epoch < o.epochs(); epoch++) {
                double loss = o.mode() == SparkFitOptions.Mode.SYNC ? run.syncEpoch(epoch) : run.averagingEpoch(epoch);
                Map<String, Double> logs = new LinkedHashMap<>();
                logs.put("loss", loss);
                logs.put("lr", optimizer.learningRate());
                history.add(logs);
                if (o.checkpoint() != null) {
                    TrainingState s = new TrainingState(start.seed(), epoch + 1, 0, run.globalStep, 0, 0, 0, List.copyOf(history));
                    Checkpoint.save(Path.of(o.checkpoint()), model, optimizer, s, provenance(o, shards, sc));
                }
            }
            return new Result(model, history, provenance(o, shards, sc));
        } finally {
            shards.release();
        }
    }

    private static TrainingState resume(Path file, Model model, Optimizer optimizer) {
        Checkpoint.Restored r = Checkpoint.load(file);
        List<Parameter> mine = model.parameters(), theirs = r.model().parameters();
        if (mine.size() != theirs.size()) throw new FoveaException(file + ": the checkpoint's model has " + theirs.size() + " parameters, this one " + mine.size());
        for (int i = 0; i < mine.size(); i++) {
            if (!mine.get(i).value().shape().equals(theirs.get(i).value().shape())) {
                throw new FoveaException(file + ": parameter " + theirs.get(i).name() + " has shape " + theirs.get(i).value().shape()
                        + ", this model's " + mine.get(i).name() + " " + mine.get(i).value().shape());
            }
            mine.get(i).value().copyFrom(theirs.get(i).value());
            mine.get(i).markChanged();
        }
        if (!optimizer.className().equals(r.optimizer().className())) {
            throw new FoveaException(file + ": the checkpoint was trained with " + r.optimizer().className() + ", the model is compiled with " + optimizer.className());
        }
        if (r.optimizer().iterations() > 0) optimizer.restore(mine, r.optimizer().state(), r.optimizer().iterations());
        optimizer.learningRate(r.optimizer().learningRate());
        if (r.state().batch() != 0) throw new FoveaException(file + ": Spark checkpoints are taken at epoch ends; this one is mid-epoch");
        return r.state();
    }

    private static Map<String, Object> provenance(SparkFitOptions o, TrainingShards shards, JavaSparkContext sc) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("trained_with", "fovea-spark");
        p.put("spark_version", sc.version());
        p.put("mode", o.mode().name().toLowerCase(java.util.Locale.ROOT));
        p.put("partitions", shards.partitions());
        p.put("examples", shards.size());
        p.put("epochs", o.epochs());
        p.put("batch_size", o.batchSize());
        if (o.mode() == SparkFitOptions.Mode.AVERAGING) p.put("averaging_steps", o.averagingSteps());
        return p;
    }

    /** The driver's side of one run. */
    private static final class Run {
        final JavaSparkContext sc;
        final TrainingShards shards;
        final Model model;
        final Optimizer optimizer;
        final SparkFitOptions o;
        final long seed;
        final String runId = UUID.randomUUID().toString();
        final String modelJson, optimizerJson;
        final List<Parameter> params;
        long globalStep;

        Run(JavaSparkContext sc, TrainingShards shards, Model model, Optimizer optimizer, SparkFitOptions o, TrainingState start) {
            this.sc = sc;
            this.shards = shards;
            this.model = model;
            this.optimizer = optimizer;
            this.o = o;
            this.seed = start.seed();
            this.globalStep = start.globalStep();
            this.modelJson = ModelJson.write(model, Map.of());
            this.optimizerJson = o.mode() == SparkFitOptions.Mode.AVERAGING ? Json.write(OptimizerJson.write(optimizer)) : null;
            this.params = model.parameters();
        }

        float[][] weights() {
            float[][] w = new float[params.size()][];
            for (int i = 0; i < w.length; i++) w[i] = params.get(i).value().data();
            return w;
        }

        /** One epoch of SYNC steps; returns the epoch's mean loss. */
        double syncEpoch(int epoch) {
            int n = shards.size();
            int[] order = new int[n];
            InMemoryData.epochOrder(order, seed, epoch, o.shuffle());
            double lossSum = 0;
            for (int from = 0; from < n; from += o.batchSize()) {
                int[] batch = java.util.Arrays.copyOfRange(order, from, Math.min(n, from + o.batchSize()));
                Broadcast<float[][]> w = sc.broadcast(weights());
                List<StepResult> results = collect(syncJob(batch, w, globalStep));
                w.destroy();
                lossSum += combineGradients(results);
                optimizer.step(params);
                globalStep++;
            }
            return lossSum / n;
        }

        private org.apache.spark.api.java.JavaRDD<StepResult> syncJob(int[] batch, Broadcast<float[][]> w, long step) {
            String id = runId, mj = modelJson;
            int[] offsets = shards.offsets;
            long s = seed;
            FitOptions lossOptions = null;   // built on the executor: FitOptions is not serializable
            SparkFitOptions opts = o;
            return shards.rdd.mapPartitionsWithIndex((p, it) -> {
                TrainingShard shard = it.next();
                Replicas.Replica r = Replicas.get(id, p, mj, null);
                StepResult res = Workers.syncStep(r, shard, p, offsets[p], batch, w.value(), s, step, Replicas.lossOptions(opts));
                return List.of(res).iterator();
            }, true);
        }

        /** Sums the partitions' weighted gradients into the driver's parameters, in partition order; returns the batch's loss sum. */
        private double combineGradients(List<StepResult> results) {
            int batch = 0;
            double lossSum = 0;
            for (StepResult r : results) {
                batch += r.examples();
                lossSum += r.lossSum();
            }
            boolean first = true;
            for (StepResult r : results) {
                if (r.examples() == 0) continue;
                int t = 0, s = 0;
                for (Parameter p : params) {
                    if (p.trainable()) {
                        float[] g = p.grad().data(), add = r.trainable()[t++];
                        if (first) System.arraycopy(add, 0, g, 0, g.length);
                        else for (int i = 0; i < g.length; i++) g[i] += add[i];
                    } else {
                        float[] v = p.value().data(), st = r.state()[s++];
                        float share = (float) ((double) r.examples() / batch);
                        if (first) for (int i = 0; i < v.length; i++) v[i] = st[i] * share;
                        else for (int i = 0; i < v.length; i++) v[i] += st[i] * share;
                        p.markChanged();
                    }
                }
                first = false;
            }
            return lossSum;
        }

        /** One epoch of AVERAGING rounds; returns the epoch's mean loss. */
        double averagingEpoch(int epoch) {
            int largest = 0;
            for (int p = 0; p < shards.partitions(); p++) largest = Math.max(largest, shards.offsets[p + 1] - shards.offsets[p]);
            int batches = (largest + o.batchSize() - 1) / o.batchSize();
            double lossSum = 0;
            long examples = 0;
            for (int fromBatch = 0; fromBatch < batches; fromBatch += o.averagingSteps()) {
                Broadcast<float[][]> w = sc.broadcast(weights());
                Broadcast<List<float[][]>> slots = sc.broadcast(new ArrayList<>(optimizer.state()));
                List<StepResult> results = collect(averagingJob(w, slots, optimizer.iterations(), epoch, fromBatch));
                w.destroy();
                slots.destroy();
                for (StepResult r : results) {
                    lossSum += r.lossSum();
                    examples += r.examples();
                }
                average(results);
            }
            return lossSum / Math.max(1, examples);
        }

        private org.apache.spark.api.java.JavaRDD<StepResult> averagingJob(Broadcast<float[][]> w, Broadcast<List<float[][]>> slots,
                                                                          long iterations, int epoch, int fromBatch) {
            String id = runId, mj = modelJson, oj = optimizerJson;
            long s = seed;
            SparkFitOptions opts = o;
            return shards.rdd.mapPartitionsWithIndex((p, it) -> {
                TrainingShard shard = it.next();
                Replicas.Replica r = Replicas.get(id, p, mj, oj);
                StepResult res = Workers.averagingRound(r, shard, p, w.value(), slots.value(), iterations, s, epoch, fromBatch,
                        opts.averagingSteps(), opts.batchSize(), opts.shuffle(), Replicas.lossOptions(opts));
                return List.of(res).iterator();
            }, true);
        }

        /** Weights and optimizer state := their example-weighted means over the partitions, in partition order. */
        private void average(List<StepResult> results) {
            long total = 0, steps = 0;
            for (StepResult r : results) {
                total += r.examples();
                steps = Math.max(steps, r.steps());
            }
            if (total == 0) return;
            List<float[][]> merged = null;
            boolean first = true;
            for (StepResult r : results) {
                if (r.examples() == 0) continue;
                float share = (float) ((double) r.examples() / total);
                for (int i = 0; i < params.size(); i++) {
                    float[] v = params.get(i).value().data(), src = r.trainable()[i];
                    if (first) for (int j = 0; j < v.length; j++) v[j] = src[j] * share;
                    else for (int j = 0; j < v.length; j++) v[j] += src[j] * share;
                    params.get(i).markChanged();
                }
                if (merged == null) {
                    merged = new ArrayList<>();
                    for (float[][] perParam : r.slots()) {
                        float[][] m = new float[perParam.length][];
                        for (int k = 0; k < m.length; k++) m[k] = new float[perParam[k].length];
                        merged.add(m);
                    }
                }
                for (int i = 0; i < merged.size(); i++) {
                    for (int k = 0; k < merged.get(i).length; k++) {
                        float[] m = merged.get(i)[k], src = r.slots()[i][k];
                        for (int j = 0; j < m.length; j++) m[j] += src[j] * share;
                    }
                }
                first = false;
            }
            if (merged != null && !merged.isEmpty()) optimizer.restore(params, merged, optimizer.iterations() + steps);
        }

        private static List<StepResult> collect(org.apache.spark.api.java.JavaRDD<StepResult> rdd) {
            List<StepResult> results = new ArrayList<>(rdd.collect());   // partition order
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).partition() != i) throw new IllegalStateException("results out of partition order");
            }
            return results;
        }
    }
}
