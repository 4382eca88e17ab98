package dev.fovea.cli;

import dev.fovea.tensor.Shape;

/** Parses {@code --input-shape H,W,C}. */
final class InputShapes {
    private InputShapes() {}

    static Shape parse(String text) {
        String[] parts = text.split(",");
        if (parts.length != 3) throw new CliException("--input-shape must be H,W,C (e.g. 28,28,1), got \"" + text + "\"");
        int[] dims = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                dims[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                dims[i] = -1;
            }
            if (dims[i] < 1 || dims[i] > 65536) {
                throw new CliException("--input-shape must be three positive integers H,W,C (each at most 65536), got \"" + text + "\"");
            }
        }
        return Shape.of(dims);
    }
}
