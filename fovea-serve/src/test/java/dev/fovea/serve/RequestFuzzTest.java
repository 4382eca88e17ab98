package dev.fovea.serve;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fovea.tensor.Shape;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Fuzz target for the server's request path after the bytes have arrived: routing (method, path,
 * query) and body decoding (image or JSON tensor, by content type). Every refusal must be an
 * {@link HttpError} with a 4xx status (an answer the client is owed); anything else escaping, which
 * the server would answer 500, is a finding. {@code mvn verify} runs the committed corpus
 * ({@code src/test/resources/dev/fovea/serve/RequestFuzzTestInputs/request/}); {@code scripts/fuzz} fuzzes.
 *
 * <p>An input is "METHOD PATH[?QUERY]\nCONTENT-TYPE\nBODY", so seeds are readable requests.
 */
class RequestFuzzTest {
    private static final InputDecoder DECODER = new InputDecoder(1_000_000);
    private static final Shape INPUT = Shape.of(28, 28, 1);

    @FuzzTest(maxDuration = "1m")
    void request(byte[] data) {
        int first = indexOf(data, 0);
        int second = indexOf(data, first + 1);
        String line = new String(data, 0, first, StandardCharsets.ISO_8859_1);
        String type = new String(data, Math.min(first + 1, data.length), Math.max(0, second - first - 1), StandardCharsets.ISO_8859_1);
        byte[] body = Arrays.copyOfRange(data, Math.min(second + 1, data.length), data.length);
        int space = line.indexOf(' ');
        String method = space < 0 ? line : line.substring(0, space);
        String target = space < 0 ? "/" : line.substring(space + 1);
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        try {
            Route r = Route.of(method, path, Map.of());
            if (r.takesBody()) throw new IllegalStateException("no model is served, yet " + path + " routed to " + r.endpoint());
        } catch (HttpError e) {
            expected(e);
        }
        try {
            Route.topK(query, 5);
        } catch (HttpError e) {
            expected(e);
        }
        try {
            DECODER.decode(type, body, INPUT);
        } catch (HttpError e) {
            expected(e);
        }
    }

    /** The next newline at or after from, or the length. */
    private static int indexOf(byte[] data, int from) {
        for (int i = Math.min(from, data.length); i < data.length; i++) if (data[i] == '\n') return i;
        return data.length;
    }

    private static void expected(HttpError e) {
        if (e.status < 400 || e.status >= 500 || e.getMessage() == null || e.getMessage().contains("\n")) {
            throw new IllegalStateException("not a one-line 4xx answer: " + e.status + " " + e.getMessage(), e);
        }
    }
}
