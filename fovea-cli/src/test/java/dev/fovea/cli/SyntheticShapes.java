package dev.fovea.cli;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An easy image folder for tests: 32x32 RGB PNGs of a filled circle, square or triangle, one
 * sub-folder per shape, with random size, position and colours. Run as a program it writes a
 * folder: {@code SyntheticShapes DIR PER_CLASS SEED}.
 */
final class SyntheticShapes {
    static final List<String> CLASSES = List.of("circle", "square", "triangle");
    static final int SIZE = 32;

    private SyntheticShapes() {}

    static Path write(Path dir, int perClass, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        try {
            for (String cls : CLASSES) {
                Files.createDirectories(dir.resolve(cls));
                for (int i = 0; i < perClass; i++) ImageIO.write(draw(cls, r), "png", dir.resolve(cls).resolve(i + ".png").toFile());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static BufferedImage draw(String cls, SplittableRandom r) {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(r.nextInt(80), r.nextInt(80), r.nextInt(80)));
        g.fillRect(0, 0, SIZE, SIZE);
        g.setColor(new Color(150 + r.nextInt(106), 150 + r.nextInt(106), 150 + r.nextInt(106)));
        int s = 14 + r.nextInt(11);                        // side 14..24
        int x = r.nextInt(SIZE - s - 2) + 1, y = r.nextInt(SIZE - s - 2) + 1;
        switch (cls) {
            case "circle" -> g.fillOval(x, y, s, s);
            case "square" -> g.fillRect(x, y, s, s);
            default -> g.fillPolygon(new int[] {x, x + s, x + s / 2}, new int[] {y + s, y + s, y}, 3);
        }
        g.dispose();
        return img;
    }

    public static void main(String[] args) {
        write(Path.of(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]));
    }
}
