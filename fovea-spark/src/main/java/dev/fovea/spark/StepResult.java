package dev.fovea.spark;

import java.io.Serializable;

/**
 * What one partition sends back to the driver after a step (SYNC) or a round (AVERAGING).
 *
 * @param partition  the partition's index: results are combined in this order
 * @param examples   examples the partition trained on in this step or round
 * @param lossSum    sum over those examples of the loss (mean loss x examples, per batch)
 * @param trainable  SYNC: gradients of the trainable parameters, already weighted by the
 *                   partition's share of the global batch; AVERAGING: their values
 * @param state      values of the non-trainable parameters (batch-norm moving statistics)
 * @param slots      AVERAGING: the optimizer's state, per parameter and slot; SYNC: null
 * @param steps      AVERAGING: local optimizer steps taken
 */
record StepResult(int partition, int examples, double lossSum, float[][] trainable, float[][] state, float[][][] slots, long steps)
        implements Serializable {}
