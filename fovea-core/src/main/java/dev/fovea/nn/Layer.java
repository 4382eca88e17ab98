package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A layer of a model: a configuration (Keras vocabulary), named parameters created by
 * {@link #build}, and a forward and backward pass that delegate to the ops in
 * {@code dev.fovea.ops}. Shapes handed to {@link #build} exclude the batch axis; tensors handed
 * to forward and backward include it, e.g. (N, H, W, C).
 *
 * <p>A built layer is read-only during forward and backward except for parameter gradients:
 * everything a call writes (output and gradient buffers, what forward keeps for backward, op
 * scratch) lives in the calling thread's {@link Workspace}, fetched with {@link #scratch}. So one
 * layer can serve inference on many threads at once. Tensors returned by forward and backward
 * are buffers of the calling thread's workspace, valid until that thread's next call of this
 * layer; callers copy what they keep.
 */
public abstract class Layer {
    private String name;
    private Shape inputShape;
    private Shape[] inputShapes;
    private Shape outputShape;
    private final List<Parameter> parameters = new ArrayList<>();

    /** The Keras class name, e.g. "Conv2D"; also the type tag in model.json. */
    public abstract String className();

    /**
     * The configuration in Keras's keys (without the name), as written to model.json. Each layer
     * type reads it back with a static {@code fromConfig(JsonObject)} right below its config(),
     * registered in {@link LayerTypes}.
     */
    public abstract Map<String, Object> config();

    /** Creates parameters for inputs of the given per-example shape; returns the output shape. */
    protected abstract Shape doBuild(Shape inputShape, SplittableRandom rng);

    /** x has shape (N, ...inputShape); returns (N, ...outputShape). */
    public abstract Tensor forward(Tensor x, ForwardContext ctx);

    /**
     * Accumulates parameter gradients from dy (N, ...outputShape) and returns dx (N, ...inputShape),
     * or null when needInputGrad is false (the layer reads the model input directly).
     */
    public abstract Tensor backward(Tensor dy, boolean needInputGrad);

    public final void build(Shape inputShape, SplittableRandom rng) {
        build(new Shape[] {inputShape}, rng);
    }

    /**
     * Builds for the per-example shapes of all inputs. Single-input layers (the default) take
     * exactly one; layers that merge several (see {@link MergeLayer}) override {@link #doBuild(Shape[], SplittableRandom)}.
     */
    public final void build(Shape[] inputShapes, SplittableRandom rng) {
        parameters.clear();
        this.inputShapes = inputShapes.clone();
        this.inputShape = inputShapes[0];
        this.outputShape = doBuild(inputShapes, rng);
    }

    protected Shape doBuild(Shape[] inputShapes, SplittableRandom rng) {
        if (inputShapes.length != 1) {
            throw new FoveaException("layer " + name + " (" + className() + ") takes one input, got " + inputShapes.length);
        }
        return doBuild(inputShapes[0], rng);
    }

    /** How many inputs the layer reads; 1 unless it merges several. */
    public int arity() { return 1; }

    /** Forward over all inputs (each (N, ...)); single-input layers read inputs[0]. */
    public Tensor forward(Tensor[] inputs, ForwardContext ctx) {
        return forward(inputs[0], ctx);
    }

    /**
     * Backward over all inputs: fills dInputs[i] with the gradient of input i, or null where
     * needInputGrad[i] is false.
     */
    public void backward(Tensor dy, boolean[] needInputGrad, Tensor[] dInputs) {
        dInputs[0] = backward(dy, needInputGrad[0]);
    }

    /** Adds a parameter named "layer/shortName", e.g. "conv2d/kernel", the key in the weights file. */
    protected final Parameter addParameter(String shortName, Tensor value, Parameter.Role role) {
        Parameter p = new Parameter(name + "/" + shortName, value, role);
        parameters.add(p);
        return p;
    }

    public String name() { return name; }

    /** Sets the layer name (unique within a model); returns this for chaining, as Keras's name=. */
    @SuppressWarnings("unchecked")
    public <T extends Layer> T named(String newName) {
        if (newName == null || newName.isBlank() || newName.contains("/")) {
            throw new FoveaException("layer name must be non-empty and must not contain '/', got \"" + newName + "\"");
        }
        this.name = newName;
        return (T) this;
    }

    void assignDefaultName(String defaultName) {
        if (name == null) name = defaultName;
    }

    /** Keras's default name stem: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d. */
    public String defaultNameStem() {
        return className().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    public Shape inputShape() { return requireBuilt(inputShape); }
    public Shape[] inputShapes() { return requireBuilt(inputShapes).clone(); }
    public Shape outputShape() { return requireBuilt(outputShape); }
    public boolean isBuilt() { return outputShape != null; }
    public List<Parameter> parameters() { return Collections.unmodifiableList(parameters); }

    /** Freezes (or thaws) every parameter of the layer, as Keras's {@code layer.trainable = False}. */
    public void freeze(boolean f) {
        for (Parameter p : parameters) p.freeze(f);
    }

    /** True when the layer has parameters and all of them are frozen. */
    public boolean frozen() {
        if (parameters.isEmpty()) return false;
        for (Parameter p : parameters) if (!p.frozen()) return false;
        return true;
    }

    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) n += p.size();
        return n;
    }

    /**
     * Whether forward draws from {@link ForwardContext#rng()} when training (dropout does). The
     * trainer makes a generator per step only for models with such a layer, and otherwise passes a
     * context without one, so a layer that reads the generator must say so here.
     */
    public boolean usesRandomness() { return false; }

    /**
     * Forward FLOPs per example (one multiply-add = 2), counted analytically for layers that do
     * matrix work (convolution, Dense); 0 for the rest, whose cost is memory traffic (see ModelFlops).
     * The layer must be built.
     */
    public long forwardFlops() { return 0; }

    /** The activation applied last by this layer (LINEAR when none). */
    public Activation activation() { return Activation.LINEAR; }

    /**
     * This layer's per-call state in the calling thread's workspace, made by {@code make} on the
     * thread's first call (pass a constructor reference such as {@code Scratch::new}: it allocates
     * nothing per call). The state must not refer to the layer.
     */
    protected final <S> S scratch(java.util.function.Supplier<S> make) {
        return Workspace.current().state(this, make);
    }

    protected final void checkInput(Tensor x) {
        Shape expected = inputShape();
        if (!x.shape().isBatchOf(expected)) {
            throw new FoveaException("layer " + name + " (" + className() + ") expects input (batch, "
                    + expected.toString().substring(1) + " but got " + x.shape());
        }
    }

    /** An int array as the list config() writes. */
    protected static List<Integer> intList(int... a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) l.add(v);
        return l;
    }

    /** [before, after] pairs as the nested list config() writes. */
    protected static List<List<Integer>> pairList(int[][] p) {
        List<List<Integer>> l = new ArrayList<>(p.length);
        for (int[] q : p) l.add(intList(q));
        return l;
    }

    private <T> T requireBuilt(T v) {
        if (v == null) throw new IllegalStateException("layer " + name + " is not built yet");
        return v;
    }
}
