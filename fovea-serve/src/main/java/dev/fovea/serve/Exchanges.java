package dev.fovea.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.fovea.io.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading bounded bodies and writing JSON and text answers. */
final class Exchanges {
    private Exchanges() {}

    /**
     * The request body, at most {@code limit} bytes: a declared Content-Length above it is refused
     * before a byte is read; a chunked body is read until it passes the limit.
     */
    static byte[] body(HttpExchange ex, long limit) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("Content-Length \"" + declared + "\" is not a number");
            }
            if (n > limit) throw HttpError.tooLarge("request body of " + n + " bytes is above the limit of " + limit + " bytes");
        }
        InputStream in = ex.getRequestBody();
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared == null ? 8192 : (int) Math.min(limit, Long.parseLong(declared.trim())));
        byte[] buf = new byte[16384];
        long total = 0;
        for (int r; (r = in.read(buf)) > 0; ) {
            total += r;
            if (total > limit) throw HttpError.tooLarge("request body is above the limit of " + limit + " bytes");
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    static void json(HttpExchange ex, int status, Object value) throws IOException {
        send(ex, status, "application/json; charset=utf-8", Json.write(value).getBytes(StandardCharsets.UTF_8));
    }

    /** The JSON error body every 4xx and 5xx carries: {"error": {"status", "code", "message"}}. */
    static void error(HttpExchange ex, HttpError e) throws IOException {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("status", e.status);
        err.put("code", e.code);
        err.put("message", e.getMessage());
        if (e.status == 503) ex.getResponseHeaders().set("Retry-After", "1");
        if (e.status == 413) ex.getResponseHeaders().set("Connection", "close");   // the unread body stays behind
        json(ex, e.status, Map.of("error", err));
    }

    static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }
}
