package dev.fovea.train;

import dev.fovea.nn.Graph;
import dev.fovea.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Inference: model outputs for many examples, in batches, and the top-k classes of each. */
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

    /** The k most probable classes of row {@code row} of probs (N, K), best first. */
    public static List<Prediction> topK(Tensor probs, int row, int k, List<String> classNames) {
        int classes = probs.dim(1);
        int keep = Math.min(k, classes);
        float[] p = probs.data();
        int base = row * classes;
        boolean[] taken = new boolean[classes];
        List<Prediction> top = new ArrayList<>(keep);
        for (int t = 0; t < keep; t++) {
            int best = -1;
            for (int j = 0; j < classes; j++) {
                if (!taken[j] && (best < 0 || p[base + j] > p[base + best])) best = j;
            }
            taken[best] = true;
            String label = best < classNames.size() ? classNames.get(best) : Integer.toString(best);
            top.add(new Prediction(best, label, p[base + best]));
        }
        return top;
    }
}
