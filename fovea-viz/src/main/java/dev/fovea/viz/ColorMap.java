package dev.fovea.viz;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Perceptually uniform colour maps (van der Walt and Smith, matplotlib 1.5): equal steps in value
 * look like equal steps in colour, lightness rises monotonically so the maps survive grayscale
 * printing, and they stay readable to colour-blind viewers; unlike "jet", they invent no edges.
 * The tables are matplotlib's own, written by {@code fovea-viz/scripts/make_colormaps.py}.
 */
public enum ColorMap {
    /** Dark blue to yellow: feature maps and filters. */
    VIRIDIS("viridis.txt"),
    /** Black to pale yellow through red: heat maps (saliency, Grad-CAM), whose zero should look like nothing. */
    INFERNO("inferno.txt");

    private final int[] table = new int[256];   // 0xRRGGBB

    ColorMap(String resource) {
        try (InputStream in = ColorMap.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("colour map " + resource + " is missing from the fovea-viz jar");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int i = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] p = line.trim().split("\\s+");
                table[i++] = Integer.parseInt(p[0]) << 16 | Integer.parseInt(p[1]) << 8 | Integer.parseInt(p[2]);
            }
            if (i != 256) throw new IllegalStateException("colour map " + resource + " has " + i + " entries, not 256");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The colour of t in [0, 1] as 0xRRGGBB; values outside are clamped and NaN is the low end. */
    public int rgb(double t) {
        if (!(t > 0)) return table[0];
        if (t >= 1) return table[255];
        return table[(int) Math.round(t * 255)];
    }
}
