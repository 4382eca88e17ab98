package dev.fovea.train;

import dev.fovea.nn.Layer;
import dev.fovea.nn.Graph;

import java.util.ArrayList;
import java.util.List;

/**
 * Floating-point operations of a model, counted analytically per image so that achieved GFLOP/s
 * means the same thing for Fovea and for any other framework running the same architecture.
 *
 * <p>What is counted (one multiply-add = 2 FLOPs):
 * <ul>
 *   <li>Conv2D forward: 2 · OH · OW · KH · KW · (C / groups) · F per image (input C channels,
 *       F filters, output OH x OW, any stride, dilation or padding: padded taps count as if they
 *       were real).</li>
 *   <li>Dense forward: 2 · I · U per image (I inputs, U units).</li>
 *   <li>Training step: 3 x forward. Backward is taken as 2 x forward: the weight gradient and the
 *       input gradient each cost one forward's multiply-adds. This is the usual convention (and
 *       the 24.4 MFLOP per image of the course-notes CNN on 28x28x1); neither Fovea nor PyTorch
 *       computes the input gradient of a layer reading the model input, so the work actually
 *       executed is lower by that layer's forward count (1.6% for the course-notes CNN).</li>
 * </ul>
 * Not counted: biases, activations, pooling, softmax and loss, the optimizer update (Adam is
 * about 10 FLOPs per parameter per step, about 1.3% for the course-notes CNN at batch 64).
 * Each layer counts its own ({@link Layer#forwardFlops()}); layers other than convolution and
 * Dense count 0.
 */
public final class ModelFlops {
    /** Training steps cost forward + weight gradient + input gradient, each about one forward. */
    public static final int TRAINING_MULTIPLIER = 3;

    /** One layer's forward FLOPs per image. */
    public record LayerFlops(String name, String className, long forward) {}

    private ModelFlops() {}

    /** Forward FLOPs per image of every layer, in node order; the model must be built. */
    public static List<LayerFlops> perLayer(Graph model) {
        model.inputShape();   // fails clearly when not built
        List<LayerFlops> out = new ArrayList<>();
        for (Layer l : model.layers()) out.add(new LayerFlops(l.name(), l.className(), forward(l)));
        return out;
    }

    /** Forward FLOPs per image. */
    public static long forwardPerImage(Graph model) {
        long total = 0;
        for (LayerFlops f : perLayer(model)) total += f.forward();
        return total;
    }

    /** FLOPs per image of one training step (forward and backward; see the class comment). */
    public static long trainingPerImage(Graph model) {
        return TRAINING_MULTIPLIER * forwardPerImage(model);
    }

    static long forward(Layer layer) {
        return layer.forwardFlops();
    }
}
