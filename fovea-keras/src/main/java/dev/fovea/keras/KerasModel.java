package dev.fovea.keras;

import dev.fovea.FoveaException;
import dev.fovea.nn.ForwardContext;
import dev.fovea.model.Model;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An imported Keras model: a Fovea {@link Model} (predict, summarise, save, export or fine-tune it
 * like any other) plus what relates it back to the Keras model: the input in Keras's layout, and
 * where each Keras output lives. {@link #run} feeds and returns tensors in Keras's own layout.
 *
 * @param kerasInput          the per-example input shape as Keras declares it
 * @param inputChannelsLast   the Keras input is channels-first (C, H, W) and the Fovea model takes
 *                            it channels-last (H, W, C), as all Fovea image models do
 * @param outputs             the Keras outputs, in order; the first is the Fovea model's output
 * @param kerasVersion        as recorded in the file ("unknown" when it is not)
 * @param format              "keras2-h5" or "keras3"
 * @param modelClass          Sequential, Functional or Model
 */
public record KerasModel(Model model, Shape kerasInput, boolean inputChannelsLast, List<Output> outputs, String kerasVersion,
                         String backend, String format, String modelClass) {

    /** A Keras output: its layer's name, the Fovea node computing it, its per-example shape in Keras's order. */
    public record Output(String name, int node, Shape shape) {}

    /**
     * Runs x (N, ...kerasInput) in Keras's layout at inference; returns every output (N, ...shape)
     * in Keras's layout, in the model's output order (fresh tensors).
     */
    public List<Tensor> run(Tensor x) {
        if (!x.shape().isBatchOf(kerasInput)) {
            throw new FoveaException("the Keras model takes input (batch, " + kerasInput.toString().substring(1) + ", got " + x.shape());
        }
        Tensor in = inputChannelsLast ? channelsLast(x) : x;
        model.forward(in, ForwardContext.INFERENCE);
        List<Tensor> out = new ArrayList<>();
        for (Output o : outputs) {
            Tensor t = model.nodeOutput(o.node());
            out.add(new Tensor(o.shape().withBatch(x.dim(0)), t.data().clone()));
        }
        return out;
    }

    /** (N, C, ...spatial) to (N, ...spatial, C). */
    static Tensor channelsLast(Tensor x) {
        int n = x.dim(0), c = x.dim(1);
        int spatial = x.size() / Math.max(1, n * c);
        float[] src = x.data(), dst = new float[src.length];
        for (int b = 0; b < n; b++) {
            int base = b * c * spatial;
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < spatial; s++) dst[base + s * c + ch] = src[base + ch * spatial + s];
            }
        }
        int[] d = x.shape().toArray(), h = new int[d.length];
        h[0] = n;
        System.arraycopy(d, 2, h, 1, d.length - 2);
        h[d.length - 1] = c;
        return new Tensor(Shape.of(h), dst);
    }

    /** What the import records in a saved model's provenance. */
    public Map<String, Object> provenance(String file) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("source", "keras");
        p.put("file", file);
        p.put("format", format);
        p.put("keras_version", kerasVersion);
        p.put("backend", backend);
        p.put("model_class", modelClass);
        p.put("keras_input_shape", kerasInput.toArray());
        if (inputChannelsLast) p.put("input_layout", "channels_first model fed channels-last (H, W, C)");
        List<String> names = new ArrayList<>();
        for (Output o : outputs) names.add(o.name());
        p.put("outputs", names);
        return p;
    }
}
