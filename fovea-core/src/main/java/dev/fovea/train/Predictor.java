package dev.fovea.train;

import dev.fovea.nn.Graph;
import dev.fovea.tensor.Tensor;

/**
 * Inference: model outputs for many examples, in batches. What the outputs mean (probabilities or
 * logits) and which classes they name is {@link ClassifierOutput}'s job.
 */
public final class Predictor {
    private static final int BATCH = 256;

    private Predictor() {}

    /** The model output for each example of x (N, ...input): a fresh tensor (N, ...output). */
    public static Tensor predict(Graph model, Tensor x) {
        int n = x.dim(0);
        Tensor result = Tensor.zeros(model.outputShape().withBatch(n));
        int outSize = model.outputShape().size();
        Batcher batcher = new Batcher(x, null);
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            Tensor out = model.infer(batcher.images(null, from, to));
            System.arraycopy(out.data(), 0, result.data(), from * outSize, (to - from) * outSize);
        }
        return result;
    }
}
