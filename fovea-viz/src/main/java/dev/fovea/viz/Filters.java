package dev.fovea.viz;

import dev.fovea.FoveaException;
import dev.fovea.nn.ConvolutionKernel;
import dev.fovea.nn.Layer;
import dev.fovea.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a convolution's filters, the kernel (KH, KW, Cin, F): one tile per filter. With three
 * input channels the filter is drawn in colour (its R, G and B weights, scaled together); with
 * one it goes through viridis; with more, the mean over input channels does (a summary: a deeper
 * layer's filters are only readable in terms of the maps they read).
 */
public final class Filters {
    private Filters() {}

    /** The filters of a convolution layer (any layer with a {@link ConvolutionKernel}). */
    public static BufferedImage render(Layer layer) {
        if (!(layer instanceof ConvolutionKernel conv)) {
            throw new FoveaException("layer " + layer.name() + " (" + layer.className() + ") has no convolution kernel to draw");
        }
        if (!layer.isBuilt()) throw new FoveaException("layer " + layer.name() + " (" + layer.className() + ") is not built: build the model first");
        Tensor k = conv.kernel().value();
        int kh = k.dim(0), kw = k.dim(1), cin = k.dim(2), f = k.dim(3);
        int shown = Math.min(f, FeatureMaps.MAX_MAPS);
        float[] d = k.data();
        List<TileGrid.Tile> tiles = new ArrayList<>(shown);
        for (int j = 0; j < shown; j++) {
            float[] px = new float[kh * kw * (cin == 3 ? 3 : 1)];
            for (int p = 0; p < kh * kw; p++) {
                if (cin == 3) {
                    for (int c = 0; c < 3; c++) px[p * 3 + c] = d[(p * cin + c) * f + j];
                } else {
                    float s = 0;
                    for (int c = 0; c < cin; c++) s += d[(p * cin + c) * f + j];
                    px[p] = s / cin;
                }
            }
            float[] r = Normalize.range(px, 0, px.length, 1);
            for (int i = 0; i < px.length; i++) px[i] = (float) Normalize.unit(px[i], r);
            BufferedImage img = cin == 3 ? Images.fromPixels(px, 0, kh, kw, 3) : Images.heat(px, kh, kw, ColorMap.VIRIDIS);
            tiles.add(new TileGrid.Tile(img, String.format(Locale.ROOT, "#%d", j)));
        }
        String how = cin == 3 ? "RGB weights" : cin == 1 ? "weights, viridis" : "mean over " + cin + " input channels, viridis";
        String subtitle = String.format(Locale.ROOT, "%d filter%s of %dx%d (%s), each scaled from its own min to max%s",
                f, f == 1 ? "" : "s", kh, kw, how, shown < f ? "; first " + shown + " shown" : "");
        return TileGrid.render(layer.name() + " (" + layer.className() + ") filters", subtitle, tiles, TileGrid.columnsFor(shown), 56);
    }
}
