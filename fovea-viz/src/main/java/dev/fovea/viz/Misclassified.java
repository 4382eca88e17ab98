package dev.fovea.viz;

import dev.fovea.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A grid of test images the model got wrong, the most confidently wrong first (those teach the
 * most: a near tie is noise, a confident mistake is a blind spot), each labelled with the true
 * class and the predicted one with its probability.
 */
public final class Misclassified {
    private Misclassified() {}

    /** images (N, H, W, C), labels (N), probs (N, K); at most {@code max} tiles; null when none are wrong. */
    public static BufferedImage render(Tensor images, int[] labels, Tensor probs, List<String> names, int max) {
        int n = images.dim(0), h = images.dim(1), w = images.dim(2), c = images.dim(3), k = probs.dim(1);
        List<int[]> wrong = new ArrayList<>();      // {index, predicted}
        float[] p = probs.data();
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
            if (best != labels[i]) wrong.add(new int[] {i, best});
        }
        if (wrong.isEmpty()) return null;
        wrong.sort(Comparator.comparingDouble((int[] e) -> -p[e[0] * k + e[1]]).thenComparingInt(e -> e[0]));
        int shown = Math.min(max, wrong.size());
        List<TileGrid.Tile> tiles = new ArrayList<>(shown);
        for (int t = 0; t < shown; t++) {
            int i = wrong.get(t)[0], pred = wrong.get(t)[1];
            BufferedImage img = Images.fromPixels(images.data(), i * h * w * c, h, w, c);
            tiles.add(new TileGrid.Tile(img, String.format(Locale.ROOT, "#%d%ntrue %s%npred %s %.2f",
                    i, name(names, labels[i]), name(names, pred), p[i * k + pred])));
        }
        String subtitle = String.format(Locale.ROOT, "%d of %d test images misclassified (%.1f%%); the %d most confident mistakes",
                wrong.size(), n, 100.0 * wrong.size() / n, shown);
        return TileGrid.render("Misclassified test images", subtitle, tiles, Math.min(8, shown), 120);
    }

    private static String name(List<String> names, int i) {
        return i < names.size() ? names.get(i) : Integer.toString(i);
    }
}
