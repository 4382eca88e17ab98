package dev.fovea.model.compile;

import dev.fovea.FoveaException;
import dev.fovea.json.Json;
import dev.fovea.model.Model;
import dev.fovea.nn.Activation;
import dev.fovea.nn.ActivationLayer;
import dev.fovea.nn.BatchNormalization;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Dropout;
import dev.fovea.nn.ExampleTransform;
import dev.fovea.nn.Graph;
import dev.fovea.nn.Layer;
import dev.fovea.nn.LayerTypes;
import dev.fovea.nn.Parameter;
import dev.fovea.nn.Reshape;
import dev.fovea.nn.ZeroPadding2D;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a built model into an equivalent one for inference only, as ONNX Runtime's graph
 * optimiser does when a session is created. The source model is never touched: the result is a
 * new {@link Model} with its own layers and its own copies of the weights, so fine-tuning and ONNX
 * export of the source still see batch normalisation as batch normalisation.
 *
 * <p>The passes, in order (each reads the graph the previous one left):
 * <ol>
 *   <li><b>identity removal</b>: Dropout and random augmentation layers pass their input through
 *       at inference, as do a zero padding of 0 and a reshape to the same shape, so their consumers
 *       read that input directly;</li>
 *   <li><b>dead-node removal</b>: nodes whose output does not reach the model output are dropped;</li>
 *   <li><b>batch-normalisation folding</b>: a BatchNormalization over the channel (last) axis
 *       whose input is a linear Conv2D or Dense read by nothing else becomes part of that layer:
 *       with s = gamma / sqrt(var + eps), kernel[..., f] *= s[f] and
 *       bias[f] = (bias[f] - mean[f]) * s[f] + beta[f] (computed in double);</li>
 *   <li><b>activation fusion</b>: an Activation layer (relu, sigmoid, tanh, softmax) whose input is
 *       a linear Conv2D or Dense read by nothing else becomes that layer's own activation (for
 *       ReLU the convolution's op applies it in the pass that writes the output).</li>
 * </ol>
 * A batch normalisation with nothing to fold into stays a BatchNormalization layer, whose
 * inference path is already one per-channel multiply-add. Not done (see docs/architecture.md):
 * ReLU6/Clip, HardSwish and SiLU fusion (the convolution's activation set has no such member),
 * fusing residual additions into the producing convolution, and a liveness-based memory plan
 * shared between layers (each layer's output buffer is reused across calls in the thread's
 * workspace, so steady-state inference allocates no tensors, but buffers are
 * not shared between layers).
 */
public final class InferenceCompiler {
    private InferenceCompiler() {}

    /** What {@link #compile} did, for a log line: counts of each rewrite. */
    public record Report(int identitiesRemoved, int deadNodesRemoved, int normalizationsFolded, int activationsFused,
                         int nodesBefore, int nodesAfter) {
        @Override public String toString() {
            return "inference graph: " + nodesBefore + " -> " + nodesAfter + " nodes (" + normalizationsFolded + " batch norms folded, "
                    + activationsFused + " activations fused, " + identitiesRemoved + " identities and " + deadNodesRemoved + " dead nodes removed)";
        }
    }

    /** The compiled model and what was done. */
    public record Result(Model model, Report report) {}

    /** An equivalent model for inference; the source (built) is left as it was. */
    public static Model compile(Model source) {
        return compileWithReport(source).model();
    }

    /** As {@link #compile}, with a report of the rewrites. */
    public static Result compileWithReport(Model source) {
        if (!source.isBuilt()) throw new FoveaException("model " + source.name() + " must be built before it is compiled for inference");
        Plan plan = new Plan(source);
        int identities = plan.removeIdentities();
        int folded = plan.foldNormalizations();
        int fused = plan.fuseActivations();
        int before = source.nodes().size();
        int dead = before - identities - folded - fused - plan.liveCount();
        Model compiled = plan.emit();
        return new Result(compiled, new Report(identities, dead, folded, fused, before, compiled.nodes().size()));
    }

    /**
     * Whether a layer passes its input through unchanged at inference: dropout, random
     * augmentation, and a padding or reshape that leaves the shape as it is (importers make
     * both, e.g. PyTorch's DenseNet exports a zero padding of 0).
     */
    static boolean isIdentityAtInference(Layer layer) {
        if (layer instanceof Dropout || layer instanceof ExampleTransform t && t.isRandom()) return true;
        return (layer instanceof ZeroPadding2D || layer instanceof Reshape) && layer.inputShapes().length == 1
                && layer.inputShape().equals(layer.outputShape());
    }

    /**
     * The source graph as mutable tables: per node its (rewritten) inputs, whether it is replaced
     * by another node's output ({@code alias}), and for convolutions and Dense layers the weights
     * and activation they will have in the compiled model.
     */
    private static final class Plan {
        private final Model source;
        private final List<Graph.Node> nodes;
        private final int[][] inputs;
        private final int[] alias;            // node i's output is node alias[i]'s (MODEL_INPUT: the model input)
        private final Folded[] folded;        // new weights and activation of a rewritten Conv2D/Dense, else null
        private int output;

        Plan(Model source) {
            this.source = source;
            this.nodes = source.nodes();
            int n = nodes.size();
            inputs = new int[n][];
            alias = new int[n];
            folded = new Folded[n];
            for (int i = 0; i < n; i++) {
                inputs[i] = nodes.get(i).inputs();
                alias[i] = i;
            }
            output = n - 1;
        }

        /** Where node i's output really comes from, following aliases. */
        private int resolve(int i) {
            while (i != Graph.MODEL_INPUT && alias[i] != i) i = alias[i];
            return i;
        }

        private void replace(int node, int by) {
            alias[node] = by;
            if (output == node) output = by;
            for (int[] in : inputs) for (int j = 0; j < in.length; j++) in[j] = resolve(in[j]);
        }

        /** Whether node i is kept: it is its own output and the model output depends on it. */
        private boolean[] live() {
            boolean[] live = new boolean[nodes.size()];
            if (output == Graph.MODEL_INPUT) return live;
            live[output] = true;
            for (int i = output; i >= 0; i--) {
                if (!live[i]) continue;
                for (int in : inputs[i]) if (in != Graph.MODEL_INPUT) live[in] = true;
            }
            return live;
        }

        int liveCount() {
            int c = 0;
            for (boolean b : live()) if (b) c++;
            return c;
        }

        /** How many live nodes read node i (counting each input edge). */
        private int[] consumers() {
            boolean[] live = live();
            int[] c = new int[nodes.size()];
            for (int i = 0; i < c.length; i++) {
                if (!live[i]) continue;
                for (int in : inputs[i]) if (in != Graph.MODEL_INPUT) c[in]++;
            }
            return c;
        }

        int removeIdentities() {
            int count = 0;
            for (int i = 0; i < nodes.size(); i++) {
                if (isIdentityAtInference(nodes.get(i).layer()) && inputs[i].length == 1) {
                    replace(i, inputs[i][0]);
                    count++;
                }
            }
            return count;
        }

        /** The producer a single-input node i may be merged into: a linear Conv2D/Dense read by i alone. */
        private int fusableProducer(int i, int[] consumers) {
            int p = inputs[i][0];
            if (p == Graph.MODEL_INPUT || alias[p] != p || consumers[p] != 1) return -1;
            Layer l = nodes.get(p).layer();
            if (!(l instanceof Conv2D || l instanceof Dense)) return -1;
            return currentActivation(p) == Activation.LINEAR ? p : -1;
        }

        private Activation currentActivation(int p) {
            return folded[p] != null ? folded[p].activation : nodes.get(p).layer().activation();
        }

        private Folded foldedOf(int p) {
            if (folded[p] == null) folded[p] = Folded.of(nodes.get(p).layer());
            return folded[p];
        }

        int foldNormalizations() {
            int count = 0;
            boolean[] live = live();
            for (int i = 0; i < nodes.size(); i++) {
                if (!live[i] || alias[i] != i || !(nodes.get(i).layer() instanceof BatchNormalization bn)) continue;
                int axis = bn.settings().axis();
                if (axis != -1 && axis != bn.inputShape().rank()) continue;   // channels not last: not a producer's filters
                int p = fusableProducer(i, consumers());
                if (p < 0) continue;
                foldedOf(p).foldBatchNorm(bn);
                replace(i, p);
                count++;
            }
            return count;
        }

        int fuseActivations() {
            int count = 0;
            boolean[] live = live();
            for (int i = 0; i < nodes.size(); i++) {
                if (!live[i] || alias[i] != i || !(nodes.get(i).layer() instanceof ActivationLayer a)) continue;
                if (a.activation() == Activation.LINEAR) {   // a linear activation layer is an identity
                    replace(i, inputs[i][0]);
                    count++;
                    continue;
                }
                int p = fusableProducer(i, consumers());
                if (p < 0) continue;
                foldedOf(p).activation = a.activation();
                replace(i, p);
                count++;
            }
            return count;
        }

        /** Builds the compiled model: live nodes in their order, each a fresh layer with copied or folded weights. */
        Model emit() {
            if (output == Graph.MODEL_INPUT) {
                throw new FoveaException("model " + source.name() + " passes its input through unchanged at inference; nothing to compile");
            }
            boolean[] live = live();
            int[] newIndex = new int[nodes.size()];
            Model m = new Model(source.name());
            m.seed(source.seed());
            m.classNames(source.classNames());
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                if (!live[i]) continue;
                int[] in = inputs[i].clone();
                for (int j = 0; j < in.length; j++) in[j] = in[j] == Graph.MODEL_INPUT ? Graph.MODEL_INPUT : newIndex[in[j]];
                newIndex[i] = m.addNode(freshLayer(i), in);
                kept.add(i);
            }
            m.build(source.inputShape());
            for (int i : kept) copyWeights(i, m.nodes().get(newIndex[i]).layer());
            return m;
        }

        /** A new, unbuilt layer configured as node i will be in the compiled model, with the source's name. */
        private Layer freshLayer(int i) {
            Layer l = nodes.get(i).layer();
            Layer fresh;
            if (folded[i] != null) {
                fresh = folded[i].layer(l);
            } else {
                String where = "model " + source.name() + ": layer " + l.name() + " (" + l.className() + ")";
                // Through JSON text, as a saved model goes: config() maps hold the same types the readers parse.
                fresh = LayerTypes.create(l.className(), Json.parseObject(Json.write(l.config()), where));
            }
            return fresh.named(l.name());
        }

        private void copyWeights(int i, Layer target) {
            Layer from = nodes.get(i).layer();
            for (Parameter p : target.parameters()) {
                float[] dest = p.value().data();
                float[] src = folded[i] != null ? folded[i].weight(p.name()) : null;
                if (src == null) src = parameterNamed(from, p.name()).value().data();
                if (src.length != dest.length) {
                    throw new IllegalStateException(p.name() + ": compiled size " + dest.length + " differs from the source's " + src.length);
                }
                System.arraycopy(src, 0, dest, 0, src.length);
            }
        }

        private static Parameter parameterNamed(Layer l, String name) {
            for (Parameter p : l.parameters()) if (p.name().equals(name)) return p;
            throw new IllegalStateException("layer " + l.name() + " has no parameter " + name);
        }
    }
}
