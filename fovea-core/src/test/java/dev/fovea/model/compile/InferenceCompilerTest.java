package dev.fovea.model.compile;

import dev.fovea.model.Model;
import dev.fovea.model.Presets;
import dev.fovea.nn.ActivationLayer;
import dev.fovea.nn.Add;
import dev.fovea.nn.BatchNormalization;
import dev.fovea.nn.Conv2D;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Dropout;
import dev.fovea.nn.Flatten;
import dev.fovea.nn.ForwardContext;
import dev.fovea.nn.GlobalPooling2D;
import dev.fovea.nn.Graph;
import dev.fovea.nn.Layer;
import dev.fovea.nn.MaxPool2D;
import dev.fovea.nn.Parameter;
import dev.fovea.nn.WindowPadding;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The compiled inference graph computes what the source graph computes at inference (to float
 * rounding), does fewer nodes' work, and leaves the source exactly as it was.
 */
class InferenceCompilerTest {
    static List<String> presets() { return Presets.names(); }

    @ParameterizedTest
    @MethodSource("presets")
    void presetsCompileToTheSameFunction(String preset) {
        Model source = Presets.get(preset).factory().get();
        source.build(28, 28, 1);
        randomizeNormalizations(source, new SplittableRandom(preset.hashCode()));
        var result = InferenceCompiler.compileWithReport(source);
        assertSameFunction(source, result.model(), 5);
        long norms = source.layers().stream().filter(l -> l instanceof BatchNormalization).count();
        long left = result.model().layers().stream().filter(l -> l instanceof BatchNormalization).count();
        assertEquals(norms - result.report().normalizationsFolded(), left, result.report().toString());
    }

    /** A residual block with batch norms after each convolution, a dropout, a dead branch and a linear Dense + softmax head. */
    static Model residual() {
        Model g = new Model("residual");
        int c1 = g.addNode(new Conv2D(new Conv2D.Config(8, 3).withPadding(WindowPadding.SAME).withUseBias(false)), Graph.MODEL_INPUT);
        int b1 = g.addNode(new BatchNormalization(), c1);
        int r1 = g.addNode(new ActivationLayer("relu"), b1);
        int c2 = g.addNode(new Conv2D(new Conv2D.Config(8, 3).withPadding(WindowPadding.SAME).withGroups(2)), r1);
        int b2 = g.addNode(new BatchNormalization(), c2);
        int add = g.addNode(new Add(), r1, b2);
        int r2 = g.addNode(new ActivationLayer("relu"), add);
        int dead = g.addNode(new Conv2D(4, 1), r2);          // read by nothing: removed
        g.addNode(new ActivationLayer("sigmoid"), dead);
        int c3 = g.addNode(new Conv2D(new Conv2D.Config(8, 1)), r2);
        int b3 = g.addNode(new BatchNormalization(), c3);    // c3 also feeds the pool below: cannot fold
        int pool = g.addNode(new MaxPool2D(2), c3);
        int add2 = g.addNode(new Add(), b3, c3);
        int gap = g.addNode(GlobalPooling2D.average(), add2);
        int drop = g.addNode(new Dropout(0.5), gap);
        int flat = g.addNode(new Flatten(), pool);
        int d1 = g.addNode(new Dense(6), flat);
        int bnd = g.addNode(new BatchNormalization(), d1);
        int join = g.addNode(new dev.fovea.nn.Concatenate(), drop, bnd);
        int d2 = g.addNode(new Dense(5), join);
        g.addNode(new ActivationLayer("softmax"), d2);
        g.seed(3).build(Shape.of(10, 10, 3));
        return g;
    }

    @Test
    void residualGraphFoldsFusesAndPrunes() {
        Model source = residual();
        randomizeNormalizations(source, new SplittableRandom(11));
        List<Layer> layersBefore = source.layers();
        List<float[]> weightsBefore = new ArrayList<>();
        for (Parameter p : source.parameters()) weightsBefore.add(p.value().data().clone());

        var result = InferenceCompiler.compileWithReport(source);
        Model compiled = result.model();
        var r = result.report();
        assertEquals(3, r.normalizationsFolded(), r.toString());   // b1, b2, bnd (b3's convolution has other readers)
        assertEquals(2, r.activationsFused(), r.toString());       // r1 and the softmax; r2 reads an Add
        assertEquals(1, r.identitiesRemoved(), r.toString());
        assertEquals(2, r.deadNodesRemoved(), r.toString());
        assertEquals(r.nodesBefore() - 8, compiled.nodes().size());
        assertEquals(1, compiled.layers().stream().filter(l -> l instanceof BatchNormalization).count());
        assertEquals(dev.fovea.nn.Activation.SOFTMAX, compiled.outputLayer().activation());
        assertSameFunction(source, compiled, 4);

        // The source graph is untouched: same layers, same weights, batch norms still there.
        assertEquals(layersBefore, source.layers());
        List<Parameter> after = source.parameters();
        for (int i = 0; i < after.size(); i++) {
            assertTrue(java.util.Arrays.equals(weightsBefore.get(i), after.get(i).value().data()), after.get(i).name() + " changed");
        }
        for (Layer l : compiled.layers()) for (Layer s : layersBefore) assertNotSame(s, l);
    }

    @Test
    void shapePreservingPaddingAndReshapeAreIdentities() {
        Model g = new Model("identities");
        int c = g.addNode(new Conv2D(4, 3), Graph.MODEL_INPUT);
        int pad = g.addNode(new dev.fovea.nn.ZeroPadding2D(0), c);
        int same = g.addNode(new dev.fovea.nn.Reshape(6, 6, 4), pad);
        int grown = g.addNode(new dev.fovea.nn.ZeroPadding2D(1), same);     // changes the shape: kept
        g.addNode(new Dense(3), g.addNode(new Flatten(), grown));
        g.seed(2).build(Shape.of(8, 8, 2));
        var result = InferenceCompiler.compileWithReport(g);
        assertEquals(2, result.report().identitiesRemoved(), result.report().toString());
        assertEquals(4, result.model().nodes().size());
        assertSameFunction(g, result.model(), 3);
    }

    @Test
    void compiledModelDoesNotFollowLaterChangesToTheSource() {
        Model source = residual();
        Model compiled = InferenceCompiler.compile(source);
        Tensor x = input(source.inputShape(), 2, 5);
        float[] before = compiled.forward(x, ForwardContext.INFERENCE).data().clone();
        for (Parameter p : source.parameters()) p.value().fill(0.5f);
        assertTrue(java.util.Arrays.equals(before, compiled.forward(x, ForwardContext.INFERENCE).data()));
    }

    /**
     * Steady-state inference of the compiled graph allocates nothing: every buffer lives in the
     * thread's workspace and is reused. "Steady" means after the JIT has compiled the kernels (the
     * Vector API boxes its vectors until C2 compiles a loop, megabytes per call), so the test runs
     * windows of calls until one allocates no byte at all, and fails if none does within the
     * bound. The multi-threaded path (forward over the whole batch) is measured; the one-thread
     * chunked path of infer() is not, nor are grouped convolution, an unfolded batch norm, global
     * pooling and Concatenate, which still make a small object per call (40-160 bytes; see
     * docs/architecture.md).
     */
    @Test
    void steadyStateInferenceAllocatesNothing() {
        Model g = new Model("block");
        int c1 = g.addNode(new Conv2D(new Conv2D.Config(8, 3).withPadding(WindowPadding.SAME).withUseBias(false)), Graph.MODEL_INPUT);
        int r1 = g.addNode(new ActivationLayer("relu"), g.addNode(new BatchNormalization(), c1));
        int c2 = g.addNode(new Conv2D(new Conv2D.Config(8, 3).withPadding(WindowPadding.SAME)), r1);
        int add = g.addNode(new Add(), r1, g.addNode(new BatchNormalization(), c2));
        int pool = g.addNode(new MaxPool2D(2), g.addNode(new ActivationLayer("relu"), add));
        int drop = g.addNode(new Dropout(0.3), g.addNode(new Flatten(), pool));
        g.addNode(new ActivationLayer("softmax"), g.addNode(new Dense(5), drop));
        g.seed(5).build(Shape.of(10, 10, 3));
        Model compiled = InferenceCompiler.compile(g);
        assertEquals(7, compiled.nodes().size());
        Tensor x = input(compiled.inputShape(), 8, 9);
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long lastWindow = -1;
        for (int window = 0; window < 200 && lastWindow != 0; window++) {
            long a0 = bean.getThreadAllocatedBytes(id);
            for (int i = 0; i < 20; i++) compiled.forward(x, ForwardContext.INFERENCE);
            lastWindow = bean.getThreadAllocatedBytes(id) - a0;
        }
        assertEquals(0, lastWindow, "20 warm calls still allocated " + lastWindow + " bytes");
    }

    /** Moving statistics and scales far from their initial values, so folding them is really exercised. */
    static void randomizeNormalizations(Graph g, SplittableRandom rng) {
        for (Layer l : g.layers()) {
            if (!(l instanceof BatchNormalization)) continue;
            for (Parameter p : l.parameters()) {
                float[] v = p.value().data();
                boolean positive = p.name().endsWith("variance") || p.name().endsWith("gamma");
                for (int i = 0; i < v.length; i++) v[i] = positive ? (float) (0.3 + 2 * rng.nextDouble()) : (float) (rng.nextDouble() - 0.5);
            }
        }
    }

    static Tensor input(Shape example, int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = Tensor.zeros(example.withBatch(batch));
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /** Element by element within float rounding: |a - b| <= 1e-5 * (1 + |b|) relative to the output scale. */
    static void assertSameFunction(Graph source, Graph compiled, int batch) {
        Tensor x = input(source.inputShape(), batch, 1);
        float[] expected = source.forward(x, ForwardContext.INFERENCE).data().clone();
        float[] actual = compiled.forward(x, ForwardContext.INFERENCE).data();
        float[] inferred = compiled.infer(x).data();
        assertEquals(expected.length, actual.length);
        double scale = 0;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-5 * Math.max(1, scale);
            if (!(Math.abs(actual[i] - expected[i]) <= tol) || !(Math.abs(inferred[i] - expected[i]) <= tol)) {
                fail(source.name() + ": output " + i + " is " + actual[i] + " (infer " + inferred[i] + "), source gives " + expected[i]);
            }
        }
    }
}
