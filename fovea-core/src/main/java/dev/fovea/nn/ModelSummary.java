package dev.fovea.nn;

import java.util.Locale;

/** Renders {@link Model#summary()} in the layout of Keras's model.summary(). */
final class ModelSummary {
    private static final int NAME = 29, SHAPE = 26, PARAMS = 10;

    private ModelSummary() {}

    static String render(Model model) {
        String rule = "_".repeat(NAME + SHAPE + PARAMS) + "\n";
        String doubleRule = "=".repeat(NAME + SHAPE + PARAMS) + "\n";
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(model.name()).append("\"\n").append(rule);
        sb.append(row("Layer (type)", "Output Shape", "Param #")).append(doubleRule);
        var nodes = model.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Layer l = nodes.get(i).layer();
            String shape = "(None, " + l.outputShape().toString().substring(1);
            sb.append(row(l.name() + " (" + l.className() + ")", shape, String.format(Locale.ROOT, "%d", l.parameterCount())));
            sb.append(i == nodes.size() - 1 ? doubleRule : "\n");
        }
        long total = model.parameterCount();
        sb.append(String.format(Locale.ROOT, "Total params: %,d%n", total));
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d%n", total));
        sb.append("Non-trainable params: 0\n").append(rule);
        return sb.toString();
    }

    private static String row(String name, String shape, String params) {
        return " " + pad(name, NAME - 1) + pad(shape, SHAPE) + pad(params, PARAMS) + "\n";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
