package dev.fovea.nn;

import dev.fovea.tensor.Buffer;
import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A directed acyclic graph of layers over one input; the output is the last node. Nodes are kept
 * in topological order (each node reads the graph input or an earlier node), so forward runs them
 * in order and backward in reverse, summing gradients where one output feeds several nodes.
 *
 * <p>This is everything a network is without training: build, forward/backward, parameters,
 * summary. {@code dev.fovea.model.Model} adds Keras's compile/fit/evaluate/predict on top (it lives
 * above {@code dev.fovea.train}, so this package never depends on training), and
 * {@code dev.fovea.model.Sequential} is the chain-shaped case.
 */
public class Graph {
    /** The model input, as an index in {@link Node#inputs}. */
    public static final int MODEL_INPUT = -1;

    /** One layer application: which nodes (or the model input) feed it, in the layer's input order. */
    public record Node(Layer layer, int[] inputs) {
        public Node {
            inputs = inputs.clone();
        }

        @Override public int[] inputs() { return inputs.clone(); }

        /** The single input of a one-input node. */
        public int input() { return inputs[0]; }
    }

    private final String name;
    private final List<Node> nodes = new ArrayList<>();
    private Shape inputShape;
    private long seed = 42;
    private List<String> classNames = List.of();
    private boolean[][] nodeNeeds;    // per node and input: does the gradient flow anywhere?
    private final List<ActivatedLayer> reluIntoPool = new ArrayList<>();   // ReLU layers whose only consumer is ...
    private final List<MaxPool2D> poolAfterRelu = new ArrayList<>();       // ... this max pool (same index)
    private volatile Optional<ChunkedInference> chunking;   // planned on the first infer() (empty: not applicable)
    private List<Parameter> parameters;   // cached after build

    public Graph(String name) {
        this.name = name;
    }

    /**
     * Adds a node reading {@code inputs} (node indices or {@link #MODEL_INPUT}), each preceding
     * it; returns its index.
     */
    public int addNode(Layer layer, int... inputs) {
        if (inputShape != null) throw new IllegalStateException("model " + name + " is already built");
        if (inputs.length == 0) throw new FoveaException("model " + name + ": node " + nodes.size() + " has no input");
        if (layer.arity() > 0 && layer.arity() != inputs.length) {
            throw new FoveaException("model " + name + ": layer " + layer.className() + " takes " + layer.arity() + " input(s), got " + inputs.length);
        }
        for (int input : inputs) {
            if (input < MODEL_INPUT || input >= nodes.size()) {
                throw new FoveaException("model " + name + ": node " + nodes.size() + " reads node " + input + ", which does not precede it");
            }
        }
        nodes.add(new Node(layer, inputs));
        return nodes.size() - 1;
    }

    /**
     * Puts {@code layer} in place of node {@code index}'s layer, reading the same inputs; only
     * before {@link #build} (e.g. a classifier head sized for the data's classes).
     */
    public void replaceLayer(int index, Layer layer) {
        if (inputShape != null) throw new IllegalStateException("model " + name + " is already built");
        Node old = nodes.get(index);
        if (layer.arity() > 0 && layer.arity() != old.inputs.length) {
            throw new FoveaException("model " + name + ": layer " + layer.className() + " takes " + layer.arity() + " input(s), node " + index + " has " + old.inputs.length);
        }
        nodes.set(index, new Node(layer, old.inputs));
    }

    public String name() { return name; }
    public List<Node> nodes() { return Collections.unmodifiableList(nodes); }
    public boolean isBuilt() { return inputShape != null; }
    public long seed() { return seed; }

    /** Seed of weight initialisation (and, unless fit says otherwise, of shuffling and dropout). */
    public Graph seed(long newSeed) {
        if (isBuilt()) throw new IllegalStateException("set the seed before build(): weights are already initialised");
        this.seed = newSeed;
        return this;
    }

    public List<String> classNames() { return classNames; }

    /** Names of the output classes, in label order (e.g. Fashion-MNIST's "T-shirt/top", ...). */
    public Graph classNames(List<String> names) {
        this.classNames = List.copyOf(names);
        return this;
    }

    public List<Layer> layers() {
        List<Layer> l = new ArrayList<>(nodes.size());
        for (Node n : nodes) l.add(n.layer());
        return l;
    }

    public Layer layer(String layerName) {
        for (Node n : nodes) if (layerName.equals(n.layer().name())) return n.layer();
        throw new FoveaException("model " + name + " has no layer named \"" + layerName + "\"");
    }

    /** Per-example input shape, e.g. (28, 28, 1); the model must be built. */
    public Shape inputShape() {
        if (inputShape == null) throw new IllegalStateException("model " + name + " is not built: call build(h, w, c)");
        return inputShape;
    }

    public Shape outputShape() { return lastNode().layer().outputShape(); }

    public Graph build(int... inputShape) { return build(Shape.of(inputShape)); }

    /** Names unnamed layers Keras-style, creates all weights from the seed, checks every shape. */
    public Graph build(Shape shape) {
        if (nodes.isEmpty()) throw new FoveaException("model " + name + " has no layers");
        if (inputShape != null) {
            if (!inputShape.equals(shape)) {
                throw new FoveaException("model " + name + " was built for input " + inputShape + ", not " + shape);
            }
            return this;
        }
        assignNames();
        SplittableRandom rng = new SplittableRandom(seed);
        int count = nodes.size();
        nodeNeeds = new boolean[count][];
        // learns[i]: node i or something upstream of it has parameters. A gradient only needs to
        // flow into an input that learns; layers in front of the first weights (preprocessing,
        // augmentation) then cost no backward work at all.
        boolean[] learns = new boolean[count];
        for (int i = 0; i < count; i++) {
            int[] ins = nodes.get(i).inputs;
            Shape[] shapes = new Shape[ins.length];
            for (int j = 0; j < ins.length; j++) {
                shapes[j] = ins[j] == MODEL_INPUT ? shape : nodes.get(ins[j]).layer().outputShape();
            }
            nodes.get(i).layer().build(shapes, rng.split());
            learns[i] = !nodes.get(i).layer().parameters().isEmpty();
            nodeNeeds[i] = new boolean[ins.length];
            for (int j = 0; j < ins.length; j++) {
                nodeNeeds[i][j] = ins[j] != MODEL_INPUT && learns[ins[j]];
                learns[i] |= nodeNeeds[i][j];
            }
        }
        inputShape = shape;
        findReluIntoPool();
        return this;
    }

    /**
     * Pairs each ReLU layer whose output feeds nothing but one max pool with that pool: in training
     * backward passes the pool applies ReLU's gradient mask while routing, and the ReLU layer skips
     * its own pass over the activations (see {@link ActivatedLayer}).
     */
    private void findReluIntoPool() {
        int[] consumers = new int[nodes.size()];
        for (Node n : nodes) for (int in : n.inputs) if (in != MODEL_INPUT) consumers[in]++;
        for (Node n : nodes) {
            int in = n.inputs[0];
            if (n.layer() instanceof MaxPool2D pool && pool.canMaskRelu() && in != MODEL_INPUT && consumers[in] == 1
                    && nodes.get(in).layer() instanceof ActivatedLayer a && a.activation() == Activation.RELU) {
                reluIntoPool.add(a);
                poolAfterRelu.add(pool);
            }
        }
    }

    private void assignNames() {
        Map<String, Integer> counts = new HashMap<>();
        Set<String> taken = new HashSet<>();
        for (Node n : nodes) {
            String fixed = n.layer().name();
            if (fixed != null && !taken.add(fixed)) throw new FoveaException("model " + name + ": two layers are named \"" + fixed + "\"");
        }
        for (Node n : nodes) {
            if (n.layer().name() != null) continue;
            String stem = n.layer().defaultNameStem();
            String candidate;
            do {
                int k = counts.merge(stem, 1, Integer::sum) - 1;
                candidate = k == 0 ? stem : stem + "_" + k;
            } while (!taken.add(candidate));
            n.layer().assignDefaultName(candidate);
        }
    }

    /** Whether any layer draws random numbers in training (see {@link Layer#usesRandomness()}). */
    public boolean usesRandomness() {
        for (Node n : nodes) if (n.layer().usesRandomness()) return true;
        return false;
    }

    /** Every parameter, in node order; fixed once the model is built (the list is cached: training asks every step). */
    public List<Parameter> parameters() {
        if (parameters != null) return parameters;
        List<Parameter> all = new ArrayList<>();
        for (Node n : nodes) all.addAll(n.layer().parameters());
        if (isBuilt()) parameters = Collections.unmodifiableList(all);
        return all;
    }

    public long parameterCount() {
        long total = 0;
        for (Node n : nodes) total += n.layer().parameterCount();
        return total;
    }

    /**
     * Runs the graph on x (N, ...inputShape); returns the output node's buffer (N, ...outputShape),
     * valid until the next forward.
     */
    /**
     * The model's output for x (N, ...input) at inference, as {@code forward(x, INFERENCE)}
     * computes it, but with the convolutional front of a chain model run a few images at a time
     * so its activations stay in cache ({@link ChunkedInference}). Node outputs other than the
     * last are not kept for the whole batch: use forward to inspect them.
     */
    public Tensor infer(Tensor x) {
        checkInput(x);
        Optional<ChunkedInference> plan = chunking;
        if (plan == null) chunking = plan = Optional.ofNullable(ChunkedInference.plan(this));   // a race plans twice, alike
        return plan.isEmpty() ? forward(x, ForwardContext.INFERENCE) : plan.get().run(x);
    }

    /**
     * The per-call state of a forward and backward pass, in the calling thread's workspace (see
     * {@link Workspace}): what each node produced and received, so many threads can run one graph.
     */
    private static final class Scratch {
        Tensor[] outputs;         // per node, last forward
        Tensor[] grads;           // per node, gradient w.r.t. its output during backward
        Tensor[][] nodeInputs;    // per node, its input tensors (reused array)
        Tensor[][] nodeInputGrads;
        Buffer[] gradSums;        // per node, where gradients from several consumers are summed
        boolean backwardRan;
    }

    private Scratch scratch() {
        Scratch s = Workspace.current().state(this, Scratch::new);
        if (s.outputs == null) {
            int count = nodes.size();
            s.outputs = new Tensor[count];
            s.grads = new Tensor[count];
            s.nodeInputs = new Tensor[count][];
            s.nodeInputGrads = new Tensor[count][];
            s.gradSums = new Buffer[count];
            for (int i = 0; i < count; i++) {
                s.nodeInputs[i] = new Tensor[nodes.get(i).inputs.length];
                s.nodeInputGrads[i] = new Tensor[nodes.get(i).inputs.length];
            }
        }
        return s;
    }

    /** x must be a batch of the model's input shape: (N, ...input). */
    private void checkInput(Tensor x) {
        Shape expected = inputShape();
        if (!x.shape().isBatchOf(expected)) {
            throw new FoveaException("model " + name + " expects input (batch, " + expected.toString().substring(1)
                    + " but got " + x.shape());
        }
    }

    /** Runs nodes [from, to) of a chain, node {@code from} reading x; returns node to-1's output. */
    Tensor forwardNodes(Tensor x, int from, int to, ForwardContext ctx) {
        Scratch s = scratch();
        Tensor t = x;
        for (int i = from; i < to; i++) {
            s.nodeInputs[i][0] = t;
            t = s.outputs[i] = nodes.get(i).layer().forward(s.nodeInputs[i], ctx);
        }
        return t;
    }

    public Tensor forward(Tensor x, ForwardContext ctx) {
        checkInput(x);
        Scratch s = scratch();
        Tensor[] outputs = s.outputs;
        for (int i = 0; i < nodes.size(); i++) {
            int[] ins = nodes.get(i).inputs;
            Tensor[] in = s.nodeInputs[i];
            for (int j = 0; j < ins.length; j++) in[j] = ins[j] == MODEL_INPUT ? x : outputs[ins[j]];
            outputs[i] = nodes.get(i).layer().forward(in, ctx);
        }
        return outputs[nodes.size() - 1];
    }

    /** Backpropagates dOut (the gradient of the loss w.r.t. the model output) into every parameter gradient. */
    public void backward(Tensor dOut) {
        backward(dOut, false);
    }

    /**
     * As {@link #backward(Tensor)}; when {@code fromLogits}, dOut is the gradient w.r.t. the output
     * layer's pre-activation (see {@link ActivatedLayer#preActivation()}).
     */
    public void backward(Tensor dOut, boolean fromLogits) {
        backward(dOut, fromLogits, false);
    }

    /**
     * Backpropagates dOut (w.r.t. the model output) down to the input image and returns the
     * gradient w.r.t. the input, (N, ...inputShape): what saliency maps draw. Parameter gradients
     * accumulate as in {@link #backward(Tensor)}.
     */
    public Tensor backwardToInput(Tensor dOut) {
        return backward(dOut, false, true);
    }

    /**
     * As {@link #backwardToInput(Tensor)}; when {@code fromLogits}, dOut is the gradient w.r.t. the
     * output layer's pre-activation, so saliency and Grad-CAM can differentiate a class score
     * before softmax (Simonyan et al. 2014; Selvaraju et al. 2017). Added for dev.fovea.viz.
     */
    public Tensor backwardToInput(Tensor dOut, boolean fromLogits) {
        return backward(dOut, fromLogits, true);
    }

    private Tensor backward(Tensor dOut, boolean fromLogits, boolean wantInputGrad) {
        int last = nodes.size() - 1;
        // Training passes fuse ReLU's mask into the max pool; gradients for saliency stay exact per node.
        for (int i = 0; i < reluIntoPool.size(); i++) {
            reluIntoPool.get(i).reluMaskedDownstream(!wantInputGrad);
            poolAfterRelu.get(i).reluMask(!wantInputGrad);
        }
        Scratch s = scratch();
        Tensor[] grads = s.grads;
        s.backwardRan = true;
        java.util.Arrays.fill(grads, null);
        grads[last] = dOut;
        Tensor inputGrad = null;
        for (int i = last; i >= 0; i--) {
            Node n = nodes.get(i);
            if (grads[i] == null) continue;   // this node's output does not reach the loss
            Tensor[] dIn = s.nodeInputGrads[i];
            boolean[] need = nodeNeeds[i];
            if (wantInputGrad) {
                need = need.clone();
                java.util.Arrays.fill(need, true);
            }
            if (i == last && fromLogits) {
                dIn[0] = ((ActivatedLayer) n.layer()).backwardLinear(grads[i], need[0]);
            } else {
                n.layer().backward(grads[i], need, dIn);
            }
            for (int j = 0; j < n.inputs.length; j++) {
                if (!need[j]) continue;
                if (n.inputs[j] != MODEL_INPUT) {
                    accumulate(s, n.inputs[j], dIn[j]);
                } else if (inputGrad == null) {
                    inputGrad = dIn[j].copy();
                } else {
                    float[] sum = inputGrad.data(), g = dIn[j].data();
                    for (int k = 0; k < sum.length; k++) sum[k] += g[k];
                }
            }
        }
        return inputGrad;
    }

    private static void accumulate(Scratch scratch, int target, Tensor g) {
        Tensor[] grads = scratch.grads;
        if (grads[target] == null) {
            grads[target] = g;
            return;
        }
        // A second consumer: sum into a node-owned buffer (never into a layer's own gradient buffer).
        if (scratch.gradSums[target] == null) scratch.gradSums[target] = new Buffer();
        Tensor sum = scratch.gradSums[target].get(g.shape());
        if (sum != grads[target]) {
            float[] s = sum.data(), a = grads[target].data(), b = g.data();
            for (int j = 0; j < s.length; j++) s[j] = a[j] + b[j];
            grads[target] = sum;
        } else {
            float[] s = sum.data(), b = g.data();
            for (int j = 0; j < s.length; j++) s[j] += b[j];
        }
    }

    /**
     * The output of node i in the calling thread's last forward pass, (N, ...that layer's output
     * shape): the feature maps visualisation draws. Valid until that thread's next forward.
     */
    public Tensor nodeOutput(int i) {
        Tensor[] outputs = scratch().outputs;
        if (outputs[i] == null) throw new IllegalStateException("no forward pass has run yet");
        return outputs[i];
    }

    /**
     * The gradient of the loss w.r.t. node i's output from the last backward pass (null where the
     * loss does not depend on it), e.g. for Grad-CAM. Exact after {@link #backwardToInput}; after a
     * training {@link #backward}, a ReLU layer feeding a max pool sees its gradient already masked
     * by the ReLU (0 where its output is 0). Valid until the next backward. Backward also
     * accumulates parameter gradients; callers that only want these should zero them afterwards.
     */
    public Tensor nodeGradient(int i) {
        Scratch s = scratch();
        if (!s.backwardRan) throw new IllegalStateException("no backward pass has run yet");
        return s.grads[i];
    }

    /** The output layer, e.g. to see whether it ends in softmax. */
    public Layer outputLayer() { return lastNode().layer(); }

    private Node lastNode() {
        if (nodes.isEmpty()) throw new IllegalStateException("model " + name + " has no layers");
        return nodes.get(nodes.size() - 1);
    }

    /** A Keras-style table: layer (type), output shape, parameter count, and the totals. */
    public String summary() {
        return ModelSummary.render(this);
    }
}
