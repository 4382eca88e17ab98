package dev.fovea.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Lays small images out in a labelled grid under a title: feature maps, filters, misclassified
 * examples. Tiles are enlarged by a whole factor with nearest-neighbour sampling, so every input
 * pixel stays a crisp square and nothing is invented between them.
 */
public final class TileGrid {
    /** One cell: its picture and a label of one or more lines ('\n'). */
    public record Tile(BufferedImage image, String label) {}

    private static final int PAD = 6;
    private static final Color BACKGROUND = Color.WHITE;
    private static final Color INK = new Color(0x22, 0x22, 0x22);
    private static final Color FRAME = new Color(0xCC, 0xCC, 0xCC);

    private TileGrid() {}

    /**
     * @param columns  tiles per row
     * @param cell     side of the square each tile is enlarged to fit (whole factors only)
     */
    public static BufferedImage render(String title, String subtitle, List<Tile> tiles, int columns, int cell) {
        if (tiles.isEmpty()) throw new IllegalArgumentException("a grid needs at least one tile");
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 15);
        Font subFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        int labelLines = 1;
        for (Tile t : tiles) labelLines = Math.max(labelLines, t.label().split("\n", -1).length);
        int labelH = labelLines * 13 + 2;
        int cols = Math.max(1, Math.min(columns, tiles.size()));
        int rows = (tiles.size() + cols - 1) / cols;
        int header = 8 + 18 + (subtitle == null ? 0 : 16) + 4;
        int width = Math.max(PAD + cols * (cell + PAD), 360);
        int height = header + rows * (cell + labelH + PAD) + PAD;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            g.setColor(INK);
            g.setFont(titleFont);
            g.drawString(title, PAD, 8 + 14);
            if (subtitle != null) {
                g.setFont(subFont);
                g.drawString(subtitle, PAD, 8 + 18 + 13);
            }
            g.setFont(labelFont);
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < tiles.size(); i++) {
                Tile t = tiles.get(i);
                int x0 = PAD + (i % cols) * (cell + PAD);
                int y0 = header + (i / cols) * (cell + labelH + PAD);
                BufferedImage img = t.image();
                int scale = Math.max(1, cell / Math.max(img.getWidth(), img.getHeight()));
                int w = img.getWidth() * scale, h = img.getHeight() * scale;
                if (w > cell || h > cell) {     // larger than a cell: shrink to fit instead
                    double s = (double) cell / Math.max(img.getWidth(), img.getHeight());
                    w = (int) Math.round(img.getWidth() * s);
                    h = (int) Math.round(img.getHeight() * s);
                }
                int dx = x0 + (cell - w) / 2, dy = y0 + (cell - h) / 2;
                g.drawImage(img, dx, dy, w, h, null);
                g.setColor(FRAME);
                g.drawRect(dx - 1, dy - 1, w + 1, h + 1);
                g.setColor(INK);
                String[] lines = t.label().split("\n", -1);
                for (int l = 0; l < lines.length; l++) {
                    String text = fit(lines[l], fm, cell + PAD - 2);
                    g.drawString(text, x0 + Math.max(0, (cell - fm.stringWidth(text)) / 2), y0 + cell + 12 + l * 13);
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Columns for n tiles: rows of up to 8, wider for very many. */
    public static int columnsFor(int n) {
        return n <= 64 ? Math.min(n, 8) : (int) Math.ceil(Math.sqrt(n));
    }

    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) return s;
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "…") > width) t = t.substring(0, t.length() - 1);
        return t + "…";
    }
}
