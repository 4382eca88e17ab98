package dev.fovea.viz;

import dev.fovea.nn.Layer;
import dev.fovea.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws what a layer produced for one example: for a (N, H, W, C) output, one tile per channel
 * (feature map), each normalised on its own; for a (N, U) output, one picture of all U units
 * on a common scale (so strong and weak units can be compared).
 */
public final class FeatureMaps {
    /** Beyond this many maps a grid is cut (and says so): 512 tiles help nobody. */
    public static final int MAX_MAPS = 64;

    private FeatureMaps() {}

    /** The grid of a layer's output {@code out} for example {@code n}, titled by the layer. */
    public static BufferedImage render(Layer layer, Tensor out, int n) {
        String title = layer.name() + " (" + layer.className() + ")";
        if (out.rank() == 4) return maps(title, out, n, 84);
        return units(title, out, n);
    }

    /** One tile per channel of out (N, H, W, C), example n. */
    public static BufferedImage maps(String title, Tensor out, int n, int cell) {
        int h = out.dim(1), w = out.dim(2), c = out.dim(3);
        int shown = Math.min(c, MAX_MAPS);
        float[] d = out.data();
        int base = n * h * w * c;
        List<TileGrid.Tile> tiles = new ArrayList<>(shown);
        float[] plane = new float[h * w];
        for (int k = 0; k < shown; k++) {
            float[] r = Normalize.range(d, base + k, h * w, c);
            for (int i = 0; i < h * w; i++) plane[i] = (float) Normalize.unit(d[base + i * c + k], r);
            String label = r[0] == r[1] ? String.format(Locale.ROOT, "#%d flat %.2g", k, r[0])
                    : String.format(Locale.ROOT, "#%d max %.2g", k, r[1]);
            tiles.add(new TileGrid.Tile(Images.heat(plane, h, w, ColorMap.VIRIDIS), label));
        }
        String subtitle = String.format(Locale.ROOT, "%d feature map%s of %dx%d%s; each scaled from its own min to max (viridis)",
                c, c == 1 ? "" : "s", h, w, shown < c ? ", first " + shown + " shown" : "");
        return TileGrid.render(title, subtitle, tiles, TileGrid.columnsFor(shown), cell);
    }

    /** All units of out (N, U), example n, as one picture about square, on one scale. */
    public static BufferedImage units(String title, Tensor out, int n) {
        int u = out.size() / out.dim(0);
        int cols = (int) Math.ceil(Math.sqrt(u));
        int rows = (u + cols - 1) / cols;
        float[] r = Normalize.range(out.data(), n * u, u, 1);
        float[] plane = new float[rows * cols];
        for (int i = 0; i < u; i++) plane[i] = (float) Normalize.unit(out.data()[n * u + i], r);
        BufferedImage img = Images.heat(plane, rows, cols, ColorMap.VIRIDIS);
        for (int i = u; i < rows * cols; i++) img.setRGB(i % cols, i / cols, 0xFFFFFF);   // cells past the last unit
        String subtitle = String.format(Locale.ROOT, "%d unit%s, row by row, on one scale %.3g to %.3g (viridis)",
                u, u == 1 ? "" : "s", r[0], r[1]);
        return TileGrid.render(title, subtitle, List.of(new TileGrid.Tile(img, "all units")), 1, 160);
    }
}
