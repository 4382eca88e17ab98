package dev.fovea.serve;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Which endpoint a method and path name; 404 and 405 (with a JSON body) for the rest. */
record Route(String endpoint, ServedModel model) {
    private static final String MODELS = "/v1/models";

    static Route of(String method, String path, Map<String, ServedModel> models) {
        switch (path) {
            case "/", "/index.html" -> { return get(method, "page"); }
            case "/healthz" -> { return get(method, "healthz"); }
            case "/readyz" -> { return get(method, "readyz"); }
            case "/metrics" -> { return get(method, "metrics"); }
            case MODELS, MODELS + "/" -> { return get(method, "models"); }
            default -> { }
        }
        if (!path.startsWith(MODELS + "/")) throw HttpError.notFound("no endpoint " + path + "; see GET " + MODELS + " and the page at /");
        String rest = URLDecoder.decode(path.substring(MODELS.length() + 1), StandardCharsets.UTF_8);
        int colon = rest.indexOf(':');
        String name = colon < 0 ? rest : rest.substring(0, colon);
        ServedModel m = models.get(name);
        if (m == null) throw HttpError.notFound("no model named \"" + name + "\"; served: " + String.join(", ", models.keySet()));
        if (colon < 0) return new Route(get(method, "model").endpoint, m);
        String verb = rest.substring(colon + 1);
        if (!verb.equals("predict") && !verb.equals("visualize")) {
            throw HttpError.notFound("no method :" + verb + " on model " + name + "; accepted: :predict, :visualize");
        }
        if (!method.equals("POST")) throw new HttpError(405, "method_not_allowed", path + " takes POST with an image or JSON tensor body, not " + method);
        return new Route(verb, m);
    }

    /** Whether the endpoint reads the request body (the others read it away unkept). */
    boolean takesBody() { return endpoint.equals("predict") || endpoint.equals("visualize"); }

    private static Route get(String method, String endpoint) {
        if (!method.equals("GET")) throw new HttpError(405, "method_not_allowed", endpoint + " takes GET, not " + method);
        return new Route(endpoint, null);
    }

    /** ?top_k=N (1..classes is enforced by the caller), else the default. */
    static int topK(String rawQuery, int fallback) {
        String v = param(rawQuery, "top_k");
        if (v == null) return fallback;
        try {
            int k = Integer.parseInt(v);
            if (k >= 1) return k;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw HttpError.badRequest("top_k must be a positive integer, got \"" + v + "\"");
    }

    /** ?class=NAME|INDEX for :visualize, else the predicted class. */
    static int classIndex(String rawQuery, ServedModel m, int predicted) {
        String v = param(rawQuery, "class");
        if (v == null) return predicted;
        int byName = m.labels().indexOf(v);
        if (byName >= 0) return byName;
        try {
            int i = Integer.parseInt(v);
            if (i >= 0 && i < m.classes()) return i;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw HttpError.badRequest("class \"" + v + "\" is not a class of model " + m.name + "; accepted: 0.." + (m.classes() - 1) + " or a label");
    }

    private static String param(String rawQuery, String key) {
        if (rawQuery == null) return null;
        for (String kv : rawQuery.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(key)) return eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
        }
        return null;
    }
}
