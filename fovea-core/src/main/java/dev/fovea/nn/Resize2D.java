package dev.fovea.nn;

import dev.fovea.FoveaException;
import dev.fovea.json.JsonObject;
import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Resizes (H, W, C) images to (outH, outW, C) as ONNX Resize does: nearest or (bi)linear
 * sampling, with ONNX's coordinate transformations (where output pixel x samples input position
 * x_in): half_pixel (x + 0.5) / scale - 0.5, pytorch_half_pixel (the same, 0 for an output of
 * length 1), align_corners x · (in - 1) / (L - 1), asymmetric x / scale; scale is the given
 * factor (or out / in) and L = in · scale (ONNX's length_resized: unrounded when scales are given). Linear sampling clamps positions to [0, in - 1]; nearest rounds as
 * nearest_mode says and clamps the index. Backward scatters each output gradient back with the
 * same weights.
 */
public final class Resize2D extends Layer {
    public enum Mode { NEAREST, LINEAR }

    public enum Coordinates {
        HALF_PIXEL, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC;

        public String key() { return name().toLowerCase(Locale.ROOT); }
    }

    public enum Rounding {
        ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL;

        public String key() { return name().toLowerCase(Locale.ROOT); }
    }

    /** outH, outW: the output size; scaleH, scaleW: the factors the coordinate transformation divides by. */
    public record Config(int outH, int outW, double scaleH, double scaleW, Mode mode, Coordinates coordinates, Rounding rounding) {
        public Config {
            if (outH < 1 || outW < 1) throw new FoveaException("Resize2D: output size " + outH + "x" + outW + " must be at least 1x1");
            if (!(scaleH > 0) || !(scaleW > 0) || Double.isInfinite(scaleH) || Double.isInfinite(scaleW)) {
                throw new FoveaException("Resize2D: scales must be finite and > 0, got " + scaleH + ", " + scaleW);
            }
        }
    }

    static final Set<String> KEYS = Set.of("size", "scale", "interpolation", "coordinate_transformation_mode", "nearest_mode");

    private final Config config;
    private int[] y0, y1, x0, x1;   // per output row / column: the input rows / columns read
    private float[] wy, wx;         // weight of y1 / x1 (linear); 0 for nearest

    public Resize2D(Config config) {
        this.config = config;
    }

    static Resize2D fromConfig(JsonObject c) {
        c.requireOnlyKeys(KEYS);
        int[] size = c.requireSizePair("size");
        String at = c.location();
        if (!(c.get("scale") instanceof java.util.List<?> l) || l.size() != 2 || !(l.get(0) instanceof Number a) || !(l.get(1) instanceof Number b)) {
            throw c.error("scale", "must be [height, width], two numbers");
        }
        return new Resize2D(new Config(size[0], size[1], a.doubleValue(), b.doubleValue(),
                parse(Mode.class, c.optionalString("interpolation", "nearest"), at),
                parse(Coordinates.class, c.optionalString("coordinate_transformation_mode", "half_pixel"), at),
                parse(Rounding.class, c.optionalString("nearest_mode", "round_prefer_floor"), at)));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String s, String at) {
        for (E e : type.getEnumConstants()) if (e.name().toLowerCase(Locale.ROOT).equals(s)) return e;
        throw new FoveaException(at + ": \"" + s + "\" is not one of " + java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    }

    public Config settings() { return config; }

    @Override public String className() { return "Resize2D"; }

    @Override public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", java.util.List.of(config.outH(), config.outW()));
        m.put("scale", java.util.List.of(config.scaleH(), config.scaleW()));
        m.put("interpolation", config.mode().name().toLowerCase(Locale.ROOT));
        m.put("coordinate_transformation_mode", config.coordinates().key());
        m.put("nearest_mode", config.rounding().key());
        return m;
    }

    @Override protected Shape doBuild(Shape in, SplittableRandom rng) {
        if (in.rank() != 3) throw new FoveaException("layer " + name() + " (Resize2D) needs images (H, W, C), got " + in);
        int[][] rows = sampling(in.dim(0), config.outH(), config.scaleH());
        int[][] cols = sampling(in.dim(1), config.outW(), config.scaleW());
        y0 = rows[0];
        y1 = rows[1];
        x0 = cols[0];
        x1 = cols[1];
        wy = weights(rows[2]);
        wx = weights(cols[2]);
        return Shape.of(config.outH(), config.outW(), in.dim(2));
    }

    private static float[] weights(int[] bits) {
        float[] w = new float[bits.length];
        for (int i = 0; i < w.length; i++) w[i] = Float.intBitsToFloat(bits[i]);
        return w;
    }

    /** For each output index along one axis: {first input index, second, float bits of the second's weight}. */
    private int[][] sampling(int in, int out, double scale) {
        int[] a = new int[out], b = new int[out], w = new int[out];
        for (int o = 0; o < out; o++) {
            // ONNX's length_resized is in · scale: the output size when sizes were given, unrounded when scales were.
            double resized = in * scale;
            double p = switch (config.coordinates()) {
                case HALF_PIXEL -> (o + 0.5) / scale - 0.5;
                case PYTORCH_HALF_PIXEL -> resized > 1 ? (o + 0.5) / scale - 0.5 : 0;
                case ALIGN_CORNERS -> resized == 1 ? 0 : o * (double) (in - 1) / (resized - 1);
                case ASYMMETRIC -> o / scale;
            };
            if (config.mode() == Mode.NEAREST) {
                long i = switch (config.rounding()) {
                    case ROUND_PREFER_FLOOR -> p == Math.floor(p) + 0.5 ? (long) Math.floor(p) : Math.round(p);
                    case ROUND_PREFER_CEIL -> (long) Math.floor(p + 0.5);
                    case FLOOR -> (long) Math.floor(p);
                    case CEIL -> (long) Math.ceil(p);
                };
                a[o] = b[o] = (int) Math.max(0, Math.min(in - 1, i));
            } else {
                p = Math.max(0, Math.min(in - 1, p));
                int i = (int) Math.floor(p);
                a[o] = i;
                b[o] = Math.min(i + 1, in - 1);
                w[o] = Float.floatToIntBits((float) (p - i));
            }
        }
        return new int[][] {a, b, w};
    }

    /** Per-call state (see {@link Workspace}): one per calling thread, so one model serves many. */
    private static final class Scratch {
        final Buffer outBuf = new Buffer(), dxBuf = new Buffer();
        Tensor lastInput;
    }

    @Override public Tensor forward(Tensor x, ForwardContext ctx) {
        Scratch s = scratch(Scratch::new);
        checkInput(x);
        s.lastInput = x;
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3), oh = config.outH(), ow = config.outW();
        Tensor out = s.outBuf.get(outputShape().withBatch(n));
        float[] in = x.data(), o = out.data();
        for (int b = 0; b < n; b++) {
            int ib = b * h * w * c;
            for (int oy = 0; oy < oh; oy++) {
                float fy = wy[oy];
                int r0 = ib + y0[oy] * w * c, r1 = ib + y1[oy] * w * c;
                for (int ox = 0; ox < ow; ox++) {
                    float fx = wx[ox];
                    int c00 = r0 + x0[ox] * c, c01 = r0 + x1[ox] * c, c10 = r1 + x0[ox] * c, c11 = r1 + x1[ox] * c;
                    int dst = ((b * oh + oy) * ow + ox) * c;
                    for (int k = 0; k < c; k++) {
                        float top = in[c00 + k] + fx * (in[c01 + k] - in[c00 + k]);
                        float bottom = in[c10 + k] + fx * (in[c11 + k] - in[c10 + k]);
                        o[dst + k] = top + fy * (bottom - top);
                    }
                }
            }
        }
        return out;
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGrad) {
        Scratch s = scratch(Scratch::new);
        if (!needInputGrad) return null;
        Tensor dx = s.dxBuf.get(s.lastInput.shape());
        int n = dx.dim(0), h = dx.dim(1), w = dx.dim(2), c = dx.dim(3), oh = config.outH(), ow = config.outW();
        float[] g = dy.data(), d = dx.data();
        java.util.Arrays.fill(d, 0f);
        for (int b = 0; b < n; b++) {
            int ib = b * h * w * c;
            for (int oy = 0; oy < oh; oy++) {
                float fy = wy[oy];
                int r0 = ib + y0[oy] * w * c, r1 = ib + y1[oy] * w * c;
                for (int ox = 0; ox < ow; ox++) {
                    float fx = wx[ox];
                    int c00 = r0 + x0[ox] * c, c01 = r0 + x1[ox] * c, c10 = r1 + x0[ox] * c, c11 = r1 + x1[ox] * c;
                    int src = ((b * oh + oy) * ow + ox) * c;
                    for (int k = 0; k < c; k++) {
                        float v = g[src + k];
                        d[c00 + k] += v * (1 - fy) * (1 - fx);
                        d[c01 + k] += v * (1 - fy) * fx;
                        d[c10 + k] += v * fy * (1 - fx);
                        d[c11 + k] += v * fy * fx;
                    }
                }
            }
        }
        return dx;
    }
}
