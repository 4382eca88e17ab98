package dev.fovea.nn;

import dev.fovea.io.ModelFile;
import dev.fovea.json.Json;
import dev.fovea.ops.PadOp;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.fovea.nn.Parameter.Role.BIAS;
import static dev.fovea.nn.Parameter.Role.KERNEL;
import static dev.fovea.nn.Parameter.Role.OTHER;
import static dev.fovea.nn.Parameter.Role.STATE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every layer type keeps, checked for every entry of {@link LayerTypes}: a type
 * without a sample here fails. For each sample: its config survives config -> JSON ->
 * fromConfig -> JSON unchanged; it builds to the expected output shape with the expected
 * parameters (short names, roles, sizes); saved in a model file and loaded back it gives
 * bit-identical outputs; and its backward agrees with finite differences of its forward
 * (inference mode, where random layers are the identity; their training-time gradients are
 * checked in AugmentationGradientTest).
 */
class LayerContractTest {
    @TempDir Path dir;

    /** How sample inputs are drawn: kinks (ReLU-like, max, clip) must stay farther than the step h. */
    enum Inputs { UNIFORM, AWAY_FROM_ZERO, DISTINCT }

    record Param(String name, Parameter.Role role, int size) {}

    /** One sample of a layer type: how to make it, its inputs (per example), what it must build to. */
    record Sample(String className, Supplier<Layer> make, Shape[] inputs, Inputs draw, Shape output, List<Param> params) {}

    private static final Map<String, List<Sample>> SAMPLES = new LinkedHashMap<>();

    private static Shape s(int... d) { return Shape.of(d); }

    private static void sample(String className, Supplier<Layer> make, Shape[] inputs, Inputs draw, Shape output, Param... params) {
        SAMPLES.computeIfAbsent(className, k -> new ArrayList<>()).add(new Sample(className, make, inputs, draw, output, List.of(params)));
    }

    private static void sample(String className, Supplier<Layer> make, Shape input, Inputs draw, Shape output, Param... params) {
        sample(className, make, new Shape[] {input}, draw, output, params);
    }

    private static Param p(String name, Parameter.Role role, int size) { return new Param(name, role, size); }

    static {
        Shape img = s(5, 6, 4);
        Inputs u = Inputs.UNIFORM, z = Inputs.AWAY_FROM_ZERO, d = Inputs.DISTINCT;
        sample("Conv2D", () -> new Conv2D(new Conv2D.Config(3, 3).withStrides(2, 1)).padding("same"), img, u, s(3, 6, 3),
                p("kernel", KERNEL, 3 * 3 * 4 * 3), p("bias", BIAS, 3));
        sample("Conv2D", () -> new Conv2D(new Conv2D.Config(4, 3, 2, 2, 1, 2, 1, 2, WindowPadding.explicit(1, 0, 2, 1),
                Activation.TANH, true)), img, u, s(2, 6, 4), p("kernel", KERNEL, 3 * 2 * 2 * 4), p("bias", BIAS, 4));
        sample("MaxPooling2D", () -> new MaxPool2D(2), img, d, s(2, 3, 4));
        sample("MaxPooling2D", () -> new MaxPool2D(new Pooling2D.Config(3, 2, 2, 2, 1, 1, WindowPadding.explicit(1, 0, 0, 1), true, false)),
                img, d, s(3, 3, 4));   // ceil mode drops a last window that would start in the right padding
        sample("AveragePooling2D", () -> new AveragePooling2D(2, 1).padding("same"), img, u, s(5, 6, 4));
        sample("AveragePooling2D", () -> new AveragePooling2D(new Pooling2D.Config(3, 3, 2, 2, 1, 1, WindowPadding.explicit(1, 1, 1, 0), false, true)),
                img, u, s(3, 3, 4));
        sample("Flatten", Flatten::new, img, u, s(120));
        sample("Dense", () -> new Dense(3, "tanh"), s(6), u, s(3), p("kernel", KERNEL, 18), p("bias", BIAS, 3));
        sample("Dropout", () -> new Dropout(0.3), s(6), u, s(6));
        sample("Activation", () -> new ActivationLayer("tanh"), s(6), u, s(6));
        sample("Add", Add::new, new Shape[] {s(2, 3), s(2, 3)}, u, s(2, 3));
        sample("BatchNormalization", BatchNormalization::new, img, u, img,
                p("gamma", OTHER, 4), p("beta", BIAS, 4), p("moving_mean", STATE, 4), p("moving_variance", STATE, 4));
        sample("Rescaling", () -> new Rescaling(0.5, 0.25), img, u, img);
        sample("Normalization", () -> new Normalization(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new float[] {1f, 2f, 0.5f, 0.25f}), img, u, img);
        sample("RandomFlip", () -> new RandomFlip("horizontal"), img, u, img);
        sample("RandomTranslation", () -> new RandomTranslation(0.1, 0.2), img, u, img);
        sample("RandomRotation", () -> new RandomRotation(0.1), img, u, img);
        sample("RandomZoom", () -> new RandomZoom(0.1, 0.2), img, u, img);
        sample("RandomErasing", RandomErasing::new, img, u, img);
        sample("GlobalAveragePooling2D", GlobalPooling2D::average, img, u, s(4));
        sample("GlobalMaxPooling2D", () -> new GlobalPooling2D(true, true), img, d, s(1, 1, 4));
        sample("LocalResponseNormalization", () -> new LocalResponseNormalization(3, 0.01, 0.75, 1.0), img, u, img);
        sample("Elementwise", () -> new Elementwise(Elementwise.Operation.MULTIPLY, s(4), false), img, u, img, p("constant", OTHER, 4));
        sample("Elementwise", () -> new Elementwise(Elementwise.Operation.SUBTRACT), new Shape[] {s(2, 3), s(2, 3)}, u, s(2, 3));
        sample("MatMul", () -> new MatMul(s(4, 3), false), s(5, 4), u, s(5, 3), p("kernel", KERNEL, 12));
        sample("LeakyReLU", () -> PiecewiseActivation.leakyRelu(0.2), s(6), z, s(6));
        sample("ELU", () -> PiecewiseActivation.elu(1.0), s(6), z, s(6));
        sample("Clip", () -> PiecewiseActivation.clip(-2, 0.05), s(6), z, s(6));   // inputs stay 0.05 or more from 0.05
        sample("PReLU", () -> new PReLU(1, 2), img, z, img, p("alpha", OTHER, 4));
        sample("Softmax", () -> new AxisSoftmax(false, -1), s(2, 5), u, s(2, 5));
        sample("LogSoftmax", () -> new AxisSoftmax(true, 1), s(2, 5), u, s(2, 5));
        sample("Concatenate", Concatenate::new, new Shape[] {img, img}, u, s(5, 6, 8));
        sample("Pad", () -> new Pad(new int[][] {{1, 0}, {0, 2}, {0, 0}}, PadOp.Mode.REFLECT, 0), img, u, s(6, 8, 4));
        sample("ZeroPadding2D", () -> new ZeroPadding2D(new int[][] {{1, 0}, {2, 1}}), img, u, s(6, 9, 4));
        sample("Cropping2D", () -> new Cropping2D(new int[][] {{1, 2}, {0, 3}}), img, u, s(2, 3, 4));
        sample("Permute", () -> new Permute(2, 1, 3), img, u, s(6, 5, 4));
        sample("Reshape", () -> new Reshape(30, 4), img, u, s(30, 4));
        sample("Constant", () -> new ConstantLayer(s(3, 2)), s(5), u, s(3, 2), p("value", OTHER, 6));
    }

    @Test
    void everyLayerTypeHasASampleAndEverySampleAType() {
        Set<String> types = new TreeSet<>();
        for (LayerTypes.Type t : LayerTypes.all()) types.add(t.className());
        Set<String> missing = new TreeSet<>(types);
        missing.removeAll(SAMPLES.keySet());
        assertTrue(missing.isEmpty(), "layer types without a sample in LayerContractTest: " + missing);
        Set<String> unknown = new TreeSet<>(SAMPLES.keySet());
        unknown.removeAll(types);
        assertTrue(unknown.isEmpty(), "samples of types LayerTypes does not list: " + unknown);
    }

    @TestFactory
    Stream<DynamicTest> everySampleKeepsTheContract() {
        List<DynamicTest> tests = new ArrayList<>();
        for (LayerTypes.Type t : LayerTypes.all()) {
            List<Sample> samples = SAMPLES.getOrDefault(t.className(), List.of());
            for (int i = 0; i < samples.size(); i++) {
                Sample sample = samples.get(i);
                String what = t.className() + " sample " + (i + 1);
                tests.add(DynamicTest.dynamicTest(what, () -> checkContract(what, sample)));
            }
        }
        return tests.stream();
    }

    private void checkContract(String what, Sample sample) {
        Layer layer = sample.make().get();
        assertEquals(sample.className(), layer.className(), what + ": class name");

        // config -> JSON -> fromConfig -> the same JSON
        String json = Json.write(layer.config());
        Layer back = LayerTypes.create(layer.className(), Json.parseObject(json, what));
        assertEquals(layer.getClass(), back.getClass(), what + ": fromConfig makes the same class");
        assertEquals(json, Json.write(back.config()), what + ": config -> JSON -> fromConfig -> JSON");

        // Built in a graph reading the model input for each of its inputs (samples of several inputs share one shape).
        Graph g = graphOf(layer, sample.inputs());
        assertEquals(sample.output(), layer.outputShape(), what + ": output shape");
        List<Param> actual = new ArrayList<>();
        for (Parameter p : layer.parameters()) {
            assertTrue(p.name().startsWith(layer.name() + "/"), what + ": parameter " + p.name() + " is named layer/short");
            actual.add(new Param(p.name().substring(layer.name().length() + 1), p.role(), p.size()));
            assertEquals(p.role() != Parameter.Role.STATE, p.trainable(), what + ": " + p.name() + " trainable unless STATE");
        }
        assertEquals(sample.params(), actual, what + ": parameter names, roles and sizes");
        SplittableRandom rng = new SplittableRandom(what.hashCode());
        randomize(layer, rng);

        // Saved and loaded, the same outputs bit for bit.
        Tensor[] x = inputs(sample, 3, rng);
        Tensor y = g.forward(x[0], ForwardContext.INFERENCE).copy();
        Path file = dir.resolve("layer.fovea");
        ModelFile.save(file, g, Map.of());
        Graph loaded = ModelFile.load(file).model();
        assertArrayEquals(bits(y), bits(loaded.forward(x[0], ForwardContext.INFERENCE)), what + ": outputs after save and load");

        // Backward against central differences of forward.
        boolean ignoresInput = layer instanceof ConstantLayer;
        LayerGradientChecker.check(what, layer, x, false, sample.draw() == Inputs.DISTINCT ? 1e-3 : 1e-2, !ignoresInput);
    }

    /** The layer as the only node of a graph; several inputs all read the model input (the samples give them one shape). */
    private static Graph graphOf(Layer layer, Shape[] inputs) {
        for (Shape s : inputs) if (!s.equals(inputs[0])) throw new IllegalArgumentException("samples give every input one shape");
        Graph g = new Graph("contract");
        int[] in = new int[inputs.length];
        java.util.Arrays.fill(in, Graph.MODEL_INPUT);
        g.addNode(layer.named("sample"), in);
        return g.seed(5).build(inputs[0]);
    }

    /** Independent inputs (the gradient check perturbs each on its own). */
    private static Tensor[] inputs(Sample sample, int batch, SplittableRandom rng) {
        Tensor[] x = new Tensor[sample.inputs().length];
        for (int i = 0; i < x.length; i++) {
            int[] dims = sample.inputs()[i].withBatch(batch).toArray();
            x[i] = switch (sample.draw()) {
                case UNIFORM -> LayerGradientChecker.uniform(rng, -1, 1, dims);
                case AWAY_FROM_ZERO -> LayerGradientChecker.awayFromZero(rng, dims);
                case DISTINCT -> LayerGradientChecker.distinct(rng, dims);
            };
        }
        return x;
    }

    /** Random parameters; statistics in [0.5, 1.5), so variances are positive. */
    private static void randomize(Layer layer, SplittableRandom rng) {
        for (Parameter p : layer.parameters()) {
            float[] d = p.value().data();
            for (int i = 0; i < d.length; i++) d[i] = (float) (p.role() == STATE ? rng.nextDouble(0.5, 1.5) : rng.nextDouble(-0.6, 0.6));
        }
    }

    /**
     * A whole graph with fan-out: c1's output feeds both the next convolution and the residual Add,
     * so backward must sum two gradients into it. Every parameter gradient and the input gradient
     * against central differences of the graph's forward, for L = sum(w * y).
     */
    @Test
    void residualGraphWithFanOutMatchesFiniteDifferences() {
        Graph g = new Graph("residual");
        int c1 = g.addNode(new Conv2D(new Conv2D.Config(3, 3).withActivation(Activation.TANH).withPadding(WindowPadding.SAME)), Graph.MODEL_INPUT);
        int c2 = g.addNode(new Conv2D(new Conv2D.Config(3, 3).withActivation(Activation.TANH).withPadding(WindowPadding.SAME)), c1);
        int add = g.addNode(new Add(), c1, c2);
        int gap = g.addNode(GlobalPooling2D.average(), add);
        g.addNode(new Dense(2, "tanh"), gap);
        g.seed(3).build(5, 5, 2);
        SplittableRandom rng = new SplittableRandom(12);
        for (Layer l : g.layers()) randomize(l, rng);
        Tensor x = LayerGradientChecker.uniform(rng, -1, 1, 2, 5, 5, 2);
        Tensor y = g.forward(x, ForwardContext.INFERENCE).copy();
        float[] w = new float[y.size()];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextDouble(-1, 1);
        for (Parameter p : g.parameters()) p.zeroGrad();
        float[] dx = g.backwardToInput(Tensor.of(w.clone(), y.shape().toArray())).data().clone();
        LayerGradientChecker.compare("residual graph: d input", dx, numeric(g, x, x.data(), w));
        for (Parameter p : g.parameters()) {
            LayerGradientChecker.compare("residual graph: d " + p.name(), p.grad().data().clone(), numeric(g, x, p.value().data(), w));
        }
    }

    /** dL/dv for every element of v (an input or a parameter), by central differences of the graph's forward. */
    private static double[] numeric(Graph g, Tensor x, float[] v, float[] w) {
        double h = 1e-2;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            float keep = v[i];
            v[i] = (float) (keep + h);
            double plus = loss(g, x, w);
            v[i] = (float) (keep - h);
            double minus = loss(g, x, w);
            v[i] = keep;
            out[i] = (plus - minus) / (2 * h);
        }
        return out;
    }

    private static double loss(Graph g, Tensor x, float[] w) {
        float[] y = g.forward(x, ForwardContext.INFERENCE).data();
        double l = 0;
        for (int i = 0; i < y.length; i++) l += (double) w[i] * y[i];
        return l;
    }

    private static int[] bits(Tensor t) {
        float[] d = t.data();
        int[] b = new int[d.length];
        for (int i = 0; i < b.length; i++) b[i] = Float.floatToRawIntBits(d[i]);
        return b;
    }
}
