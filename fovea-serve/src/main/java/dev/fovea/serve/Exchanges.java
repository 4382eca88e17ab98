package dev.fovea.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.fovea.json.Json;

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
     * Bodies up to this size past the limit are read and thrown away before a 413, so the client,
     * still sending, gets its answer instead of a reset connection, and the connection stays usable.
     * Larger ones are answered at once and the connection closed.
     */
    static final long DRAIN_LIMIT = 32L << 20;

    /**
     * The request body, at most {@code limit} bytes: a larger declared Content-Length, or a chunked
     * body that grows past the limit, is refused with 413 without keeping a byte of it.
     */
    static byte[] body(HttpExchange ex, long limit) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        long n = -1;
        if (declared != null) {
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                n = -2;
            }
            if (n < 0) throw new HttpError(400, "bad_request", "Content-Length \"" + declared + "\" is not a byte count", true);
            if (n > limit) {
                String message = "request body of " + n + " bytes is above the limit of " + limit + " bytes";
                if (n > limit + DRAIN_LIMIT) throw HttpError.tooLarge(message, true);
                discard(ex.getRequestBody(), n);
                throw HttpError.tooLarge(message, false);
            }
        }
        InputStream in = ex.getRequestBody();
        ByteArrayOutputStream out = new ByteArrayOutputStream(n < 0 ? 8192 : (int) n);
        byte[] buf = new byte[16384];
        long total = 0;
        for (int r; (r = in.read(buf)) > 0; ) {
            total += r;
            if (total > limit) {
                String message = "request body is above the limit of " + limit + " bytes";
                throw HttpError.tooLarge(message, discard(in, limit + DRAIN_LIMIT - total) > 0);
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    /** Reads and drops up to max bytes; returns how many bytes are left unread (0 at the end of the body). */
    private static long discard(InputStream in, long max) throws IOException {
        byte[] buf = new byte[65536];
        long left = max;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) return 0;
            left -= r;
        }
        return in.read() < 0 ? 0 : 1;
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
        // An answer given before the body was read (404, 405, 503...): read it away, or the client,
        // still sending, would meet a reset connection instead of the answer.
        boolean unread = e.closeConnection || discard(ex.getRequestBody(), DRAIN_LIMIT) > 0;
        if (unread) ex.getResponseHeaders().set("Connection", "close");
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
