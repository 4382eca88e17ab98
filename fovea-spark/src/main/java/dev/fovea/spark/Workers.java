package dev.fovea.spark;

import dev.fovea.nn.Parameter;
import dev.fovea.train.Batch;
import dev.fovea.train.FitOptions;
import dev.fovea.train.InMemoryData;

import java.util.List;

/** The work of one partition in one step (SYNC) or one round (AVERAGING); runs on executors. */
final class Workers {
    private Workers() {}

    /**
     * SYNC: the gradient of this partition's members of the global batch {@code batch} (global
     * example indices, in batch order), weighted by their share {@code members / batch.length},
     * computed at the driver's {@code weights}.
     */
    static StepResult syncStep(Replicas.Replica r, TrainingShard shard, int partition, int first, int[] batch,
                               float[][] weights, long seed, long globalStep, FitOptions lossOptions) {
        int[] rows = new int[batch.length];
        int m = 0;
        for (int g : batch) if (g >= first && g < first + shard.size()) rows[m++] = g - first;
        if (m == 0) return new StepResult(partition, 0, 0, null, null, null, 0);
        r.setWeights(weights);
        Batch b = shard.gather(rows, m);
        double loss = r.trainer.computeGradients(b, seed, globalStep, lossOptions);
        // The global batch's mean loss is the members' mean weighted by their share; with one
        // partition the share is exactly 1 and the gradient goes back unchanged.
        float share = (float) ((double) m / batch.length);
        List<Parameter> params = r.params;
        int trainable = 0, frozen = 0;
        for (Parameter p : params) if (p.trainable()) trainable++; else frozen++;
        float[][] grads = new float[trainable][], state = new float[frozen][];
        int t = 0, s = 0;
        for (Parameter p : params) {
            if (p.trainable()) {
                float[] g = p.grad().data().clone();
                if (share != 1f) for (int i = 0; i < g.length; i++) g[i] *= share;
                grads[t++] = g;
                p.clearGradLazily();   // the replica never steps: its gradients start from 0 next time
            } else {
                state[s++] = p.value().data().clone();
            }
        }
        return new StepResult(partition, m, loss * m, grads, state, null, 0);
    }

    /**
     * AVERAGING: up to {@code k} local steps of {@code batchSize} examples of this shard, from
     * its position {@code fromBatch} in the epoch's shard-local order, starting from the
     * driver's weights and optimizer state. Returns the new values and optimizer state.
     */
    static StepResult averagingRound(Replicas.Replica r, TrainingShard shard, int partition, float[][] weights,
                                     List<float[][]> slots, long iterations, long seed, int epoch, int fromBatch,
                                     int k, int batchSize, boolean shuffle, FitOptions lossOptions) {
        r.setWeights(weights);
        if (iterations > 0) r.optimizer.restore(r.params, slots, iterations);   // restore copies
        int[] order = new int[shard.size()];
        InMemoryData.epochOrder(order, shardSeed(seed, partition), epoch, shuffle);
        int examples = 0;
        double lossSum = 0;
        long steps = 0;
        int[] rows = new int[batchSize];
        for (int step = 0; step < k; step++) {
            int from = (fromBatch + step) * batchSize;
            if (from >= order.length) break;
            int m = Math.min(batchSize, order.length - from);
            System.arraycopy(order, from, rows, 0, m);
            Batch b = shard.gather(rows, m);
            lossSum += r.trainer.computeGradients(b, shardSeed(seed, partition), iterations + step, lossOptions) * m;
            r.optimizer.step(r.params);
            examples += m;
            steps++;
        }
        float[][] values = new float[r.params.size()][];
        for (int i = 0; i < values.length; i++) values[i] = r.params.get(i).value().data().clone();
        List<float[][]> st = r.optimizer.state();
        float[][][] outSlots = new float[st.size()][][];
        for (int i = 0; i < outSlots.length; i++) outSlots[i] = copy(st.get(i));
        return new StepResult(partition, examples, lossSum, values, null, outSlots, steps);
    }

    /** Each shard's own order and randomness: a fixed function of the run seed and the partition. */
    static long shardSeed(long seed, int partition) {
        return seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (partition + 1);
    }

    private static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }
}
