package dev.fovea.nn;

import dev.fovea.FoveaException;

import java.util.List;

/**
 * The classifier head of a model: its final {@link Dense} layer, possibly followed by a standalone
 * activation (e.g. {@code Activation("softmax")}), whose units are the class count. Presets and
 * architecture files are written for one class count (Fashion-MNIST's 10); {@link #resize} fits
 * them to a data set's, which is what a Keras user does by editing {@code Dense(n)}.
 */
public final class ClassifierHead {
    private ClassifierHead() {}

    /** The node index of the head's Dense layer, or -1 when the model does not end in one. */
    public static int find(Graph model) {
        List<Graph.Node> nodes = model.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Layer l = nodes.get(i).layer();
            if (l instanceof Dense) return i;
            // Only a chain of activations may follow the head's Dense.
            if (!(l instanceof ActivationLayer) || nodes.get(i).inputs().length != 1 || nodes.get(i).input() != i - 1) return -1;
        }
        return -1;
    }

    /**
     * Gives the head of an unbuilt model {@code classes} units (same activation, bias and name);
     * returns the class count it had before (equal to {@code classes} when nothing changed).
     */
    public static int resize(Graph model, int classes) {
        if (classes < 1) throw new FoveaException("model " + model.name() + ": classes must be >= 1, got " + classes);
        int i = find(model);
        if (i < 0) {
            throw new FoveaException("model " + model.name() + " does not end in a Dense layer (its last layer is "
                    + model.outputLayer().className() + "), so its class count cannot be set");
        }
        Dense head = (Dense) model.nodes().get(i).layer();
        Dense.Config c = head.settings();
        if (c.units() == classes) return classes;
        Dense resized = new Dense(new Dense.Config(classes, c.activation(), c.useBias()));
        if (head.name() != null) resized.named(head.name());
        model.replaceLayer(i, resized);
        return c.units();
    }
}
