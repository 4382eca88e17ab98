package dev.fovea.serve;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * The answers Jetty itself gives, before any handler runs (a request it cannot parse: a bad or
 * duplicate Content-Length, chunked plus a length, a control character in the request line,
 * headers too large, TLS or HTTP/2 bytes), in the server's one JSON error shape instead of
 * Jetty's HTML page. Each is reported to {@code onError} with its status, for the metrics.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final IntConsumer onError;

    JsonErrorHandler(IntConsumer onError) {
        this.onError = onError;
        setShowStacks(false);
        setShowCauses(false);
    }

    /** An error met while the request was being parsed: the whole answer is these bytes. */
    @Override public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        onError.accept(status);
        fields.put(HttpHeader.CONTENT_TYPE, Exchanges.JSON);
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
        return ByteBuffer.wrap(Exchanges.errorBody(status, code(status), message(status, reason)));
    }

    /** An error raised after parsing (Jetty's own checks, or a handler that failed its callback). */
    @Override public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : 500;
        String reason = request.getAttribute(ERROR_MESSAGE) instanceof String m ? m : null;
        if (request.getAttribute(ERROR_EXCEPTION) instanceof Throwable t && reason == null) reason = t.getMessage();
        onError.accept(status);
        response.getHeaders().put(new HttpField(HttpHeader.CONNECTION, "close"));
        Exchanges.send(response, callback, status, Exchanges.JSON, Exchanges.errorBody(status, code(status), message(status, reason)));
        return true;
    }

    /** "Request Header Fields Too Large" -> "request_header_fields_too_large". */
    static String code(int status) {
        String name = HttpStatus.getMessage(status);
        return name == null ? "http_" + status : name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }

    private static String message(int status, String reason) {
        String what = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
        String line = what.lines().findFirst().orElse("");
        if (status >= 500 && status != HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) return "server error: " + line;
        return "malformed HTTP request: " + line + "; send HTTP/1.1 requests as the API describes (see GET /)";
    }
}
