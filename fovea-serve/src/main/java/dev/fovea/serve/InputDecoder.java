package dev.fovea.serve;

import dev.fovea.FoveaException;
import dev.fovea.data.ImageLoader;
import dev.fovea.data.LoadedImage;
import dev.fovea.json.Json;
import dev.fovea.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a request body into model inputs: an image (PNG, JPEG, BMP or GIF, recognised by its
 * signature and converted as {@code fovea predict} does) or a JSON tensor
 * {@code {"tensor": [...]}} nested (H, W, C) for one example or (N, H, W, C) for several.
 * Bad data is 400, a media type it does not take is 415; both with a message saying what is accepted.
 */
final class InputDecoder {
    /** What one request decoded to: examples of H*W*C floats, and how (for the client). */
    record Decoded(List<float[]> examples, String description) {}

    static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/jpg", "image/pjpeg", "image/gif", "image/bmp",
            "image/x-ms-bmp", "application/octet-stream");
    static final String ACCEPTED = "image/png, image/jpeg (also image/gif, image/bmp) or application/json {\"tensor\": [...]}";
    /** Most examples one JSON request may carry (each takes a queue slot). */
    static final int MAX_EXAMPLES = 64;

    private final ImageLoader loader;

    InputDecoder(long maxPixels) {
        this.loader = new ImageLoader(maxPixels);
    }

    /** The media type without parameters, lower case; "" when absent. */
    static String mediaType(String contentType) {
        if (contentType == null) return "";
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    Decoded decode(String contentType, byte[] body, Shape input) {
        String type = mediaType(contentType);
        if (body.length == 0) throw HttpError.badRequest("empty request body; send " + ACCEPTED);
        if (type.equals("application/json")) return tensor(body, input);
        if (!type.isEmpty() && !IMAGE_TYPES.contains(type)) {
            throw HttpError.unsupported("media type " + type + " is not accepted; send " + ACCEPTED);
        }
        try {
            LoadedImage img = loader.load("request body", body, input);
            return new Decoded(List.of(img.image().data()), img.description());
        } catch (FoveaException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private Decoded tensor(byte[] body, Shape input) {
        Object parsed;
        try {
            parsed = Json.parse(body, "request body");
        } catch (FoveaException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> m) || !m.containsKey("tensor")) {
            throw HttpError.badRequest("JSON body must be an object {\"tensor\": [...]} nested " + input + " or (N, " + input.toString().substring(1));
        }
        Object t = m.get("tensor");
        int depth = 0;
        for (Object o = t; o instanceof List<?> l && !l.isEmpty(); o = l.get(0)) depth++;
        boolean batched = depth == input.rank() + 1;
        if (!batched && depth != input.rank()) {
            throw HttpError.badRequest("\"tensor\" is nested " + depth + " deep; expected " + input + " for one example or (N, "
                    + input.toString().substring(1) + " for several");
        }
        List<?> items = batched ? (List<?>) t : List.of(t);
        if (items.size() > MAX_EXAMPLES) throw HttpError.badRequest("\"tensor\" holds " + items.size() + " examples; at most " + MAX_EXAMPLES + " per request");
        List<float[]> out = new ArrayList<>(items.size());
        for (int n = 0; n < items.size(); n++) {
            float[] x = new float[input.size()];
            int[] filled = {0};
            fill(items.get(n), input, 0, x, filled, batched ? "tensor[" + n + "]" : "tensor");
            out.add(x);
        }
        return new Decoded(out, "JSON tensor of " + items.size() + " example" + (items.size() == 1 ? "" : "s") + " " + input);
    }

    /** Copies nested lists of numbers of shape dims[axis..] into x, row-major, checking every length. */
    private static void fill(Object node, Shape dims, int axis, float[] x, int[] at, String where) {
        if (axis == dims.rank()) {
            if (!(node instanceof Number num)) throw HttpError.badRequest(where + " is " + kind(node) + ", not a number");
            double v = num.doubleValue();
            if (!Double.isFinite(v) || Math.abs(v) > 1e30) throw HttpError.badRequest(where + " is not a finite float32 value");
            x[at[0]++] = (float) v;
            return;
        }
        if (!(node instanceof List<?> list)) throw HttpError.badRequest(where + " is " + kind(node) + ", not an array of length " + dims.dim(axis));
        if (list.size() != dims.dim(axis)) {
            throw HttpError.badRequest(where + " has length " + list.size() + " but axis " + axis + " of the model input " + dims + " is " + dims.dim(axis));
        }
        for (int i = 0; i < list.size(); i++) fill(list.get(i), dims, axis + 1, x, at, where + "[" + i + "]");
    }

    private static String kind(Object o) {
        return o == null ? "null" : o instanceof List ? "an array" : o instanceof Map ? "an object" : o instanceof String ? "a string"
                : o instanceof Boolean ? "a boolean" : "a number";
    }
}
