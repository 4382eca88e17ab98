package dev.fovea.serve;

import dev.fovea.json.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writing JSON and text answers, and the JSON error body every 4xx and 5xx carries. */
final class Exchanges {
    private Exchanges() {}

    static final String JSON = "application/json; charset=utf-8";

    /** {"error": {"status", "code", "message"}}, the one shape of every error the server sends. */
    static byte[] errorBody(int status, String code, String message) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("status", status);
        err.put("code", code);
        err.put("message", message);
        return Json.write(Map.of("error", err)).getBytes(StandardCharsets.UTF_8);
    }

    static void error(Response response, Callback callback, HttpError e) {
        if (e.status == 503) response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        if (e.closeConnection) response.getHeaders().put(HttpHeader.CONNECTION, "close");
        send(response, callback, e.status, JSON, errorBody(e.status, e.code, e.getMessage()));
    }

    static void json(Response response, Callback callback, int status, Object value) {
        send(response, callback, status, JSON, Json.write(value).getBytes(StandardCharsets.UTF_8));
    }

    static void send(Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
