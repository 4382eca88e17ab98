package dev.fovea.nn;

import java.util.Locale;

/** Renders {@link Graph#summary()} in the layout of Keras's model.summary(). */
final class ModelSummary {
    private static final int SHAPE = 26, PARAMS = 10;

    private ModelSummary() {}

    static String render(Graph model) {
        var nodes = model.nodes();
        int nameWidth = 29;
        for (var n : nodes) nameWidth = Math.max(nameWidth, label(n.layer()).length() + 3);
        int width = nameWidth + SHAPE + PARAMS;
        String rule = "_".repeat(width) + "\n";
        String doubleRule = "=".repeat(width) + "\n";
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(model.name()).append("\"\n").append(rule);
        sb.append(row(nameWidth, "Layer (type)", "Output Shape", "Param #")).append(doubleRule);
        for (int i = 0; i < nodes.size(); i++) {
            Layer l = nodes.get(i).layer();
            sb.append(row(nameWidth, label(l), batchShape(l), Long.toString(l.parameterCount())));
            sb.append(i == nodes.size() - 1 ? doubleRule : "\n");
        }
        long total = model.parameterCount();
        long trainable = 0;
        for (Parameter p : model.parameters()) if (p.trainable()) trainable += p.size();
        sb.append(String.format(Locale.ROOT, "Total params: %,d%n", total));
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d%n", trainable));
        sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d%n", total - trainable)).append(rule);
        return sb.toString();
    }

    private static String label(Layer l) { return l.name() + " (" + l.className() + ")"; }

    /** Keras writes the batch axis as None: (None, 26, 26, 32). */
    private static String batchShape(Layer l) {
        StringBuilder sb = new StringBuilder("(None");
        for (int d : l.outputShape().toArray()) sb.append(", ").append(d);
        return sb.append(')').toString();
    }

    private static String row(int nameWidth, String name, String shape, String params) {
        return " " + pad(name, nameWidth - 1) + pad(shape, SHAPE) + pad(params, PARAMS) + "\n";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
