package dev.fovea.onnx;

import dev.fovea.FoveaException;
import dev.fovea.nn.ForwardContext;
import dev.fovea.model.Model;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An imported ONNX model: a Fovea {@link Model} (predict, summary, save, fine-tune it like any
 * other) plus what relates it back to the ONNX graph: the data input and how it is held, and where
 * each graph output lives. {@link #run} feeds and returns tensors in ONNX's own layout.
 *
 * @param batched  ONNX axis 0 is Fovea's batch axis (any batch size runs); false when the graph
 *                 computes across axis 0, so each ONNX tensor is held whole as one example
 */
public record OnnxModel(Model model, String inputName, int[] inputDims, Holding inputHolding, List<Output> outputs,
                        boolean batched, long irVersion, int opset, String producer) {

    /** A graph output: computed by Fovea node {@code node} (held as holding), or a constant. */
    public record Output(String name, int node, int[] dims, Holding holding, OnnxTensor constant) {
        @Override public int[] dims() { return dims.clone(); }
    }

    @Override public int[] inputDims() { return inputDims.clone(); }

    /**
     * Runs the model on one ONNX-layout input (the batch may differ from the declared one when the
     * model is batched); returns every graph output in ONNX layout, by name.
     */
    public Map<String, OnnxTensor> run(OnnxTensor input) {
        int[] d = input.dims();
        int[] expected = inputDims.clone();
        if (batched && d.length == expected.length && d.length > 0) expected[0] = d[0];
        if (!Arrays.equals(d, expected)) {
            throw new FoveaException("ONNX input " + inputName + " must have dims " + Arrays.toString(expected) + ", got " + Arrays.toString(d));
        }
        int batch = batched ? d[0] : 1;
        Shape per = Shape.of(inputHolding.perExample(d));
        Tensor x = new Tensor(per.withBatch(batch), inputHolding.toFovea(input.floats(), d));
        model.forward(x, ForwardContext.INFERENCE);
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        for (Output o : outputs) {
            if (o.constant() != null) {
                out.put(o.name(), o.constant());
                continue;
            }
            int[] od = o.dims();
            if (o.holding().batched()) od[0] = batch;
            Tensor t = o.node() == Model.MODEL_INPUT ? x : model.nodeOutput(o.node());
            out.put(o.name(), OnnxTensor.ofFloats(od, o.holding().toOnnx(t.data(), od)));
        }
        return out;
    }
}
