package dev.fovea.spark;

import dev.fovea.json.Json;
import dev.fovea.io.ModelJson;
import dev.fovea.io.OptimizerJson;
import dev.fovea.model.Model;
import dev.fovea.nn.Parameter;
import dev.fovea.optim.Optimizer;
import dev.fovea.train.FitOptions;
import dev.fovea.train.Trainer;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Executor side of distributed training: one replica of the model per (run, partition), built
 * from the architecture once and then handed the driver's weights every step or round. A
 * replica per partition, not per JVM, because tasks of several partitions may run at once in one
 * executor and a model's training buffers serve one caller.
 */
final class Replicas {
    /** A model copy with the trainer that computes its gradients (and, when averaging, its own optimizer). */
    static final class Replica {
        final Model model;
        final Trainer trainer;
        final Optimizer optimizer;   // null in SYNC mode: the driver steps
        final List<Parameter> params;

        Replica(Model model, Optimizer optimizer) {
            this.model = model;
            this.optimizer = optimizer;
            this.trainer = new Trainer(model, optimizer, Trainer.SPARSE_CCE, List.of());
            this.params = model.parameters();
        }

        /** Overwrites every parameter (trainable and state) with the driver's values. */
        void setWeights(float[][] values) {
            for (int i = 0; i < params.size(); i++) {
                System.arraycopy(values[i], 0, params.get(i).value().data(), 0, values[i].length);
                params.get(i).markChanged();
            }
        }
    }

    private static final ConcurrentHashMap<String, Replica> REPLICAS = new ConcurrentHashMap<>();
    private static volatile String currentRun = "";

    private Replicas() {}

    /**
     * The replica of partition {@code p} in run {@code runId}. Replicas of earlier runs are
     * dropped when a new run starts, so an executor holds the models of one run only.
     */
    static Replica get(String runId, int p, String modelJson, String optimizerJson) {
        if (!runId.equals(currentRun)) {
            synchronized (Replicas.class) {
                if (!runId.equals(currentRun)) {
                    REPLICAS.keySet().removeIf(k -> !k.startsWith(runId + "/"));
                    currentRun = runId;
                }
            }
        }
        return REPLICAS.computeIfAbsent(runId + "/" + p, k -> {
            Model m = ModelJson.read(modelJson, "model shipped to the executor").model();
            Optimizer opt = optimizerJson == null ? null : OptimizerJson.read(Json.parseObject(optimizerJson, "optimizer shipped to the executor"));
            return new Replica(m, opt);
        });
    }

    /** The options of one gradient computation (what the loss needs of FitOptions). */
    static FitOptions lossOptions(SparkFitOptions o) {
        FitOptions f = new FitOptions();
        if (o.labelSmoothing() > 0) f.labelSmoothing(o.labelSmoothing());
        if (o.l2() > 0) f.l2(o.l2());
        return f;
    }
}
