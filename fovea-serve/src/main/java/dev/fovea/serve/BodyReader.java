package dev.fovea.serve;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads a request body without holding a thread while the client is slow: each chunk is taken as
 * it arrives (Jetty calls back when more is there), so a thousand stalled uploads cost a thousand
 * idle connections, not a thousand threads or inference slots.
 *
 * <p>Limits are enforced while reading: a body above {@code limit} is refused with 413, and bytes
 * past it are counted and dropped, never kept. Bodies up to {@link #DRAIN_LIMIT} past the limit
 * are read away, so the client, still sending, gets its answer and the connection stays usable;
 * larger ones are answered at once and the connection closed. A body that has not fully arrived
 * by the deadline is refused with 408 and the connection closed.
 */
final class BodyReader {
    /** Bodies up to this size past the limit are read and dropped before the 413 is sent. */
    static final long DRAIN_LIMIT = 32L << 20;

    /** The body's bytes (empty when it was dropped), or the error to answer with. */
    record Body(byte[] bytes, HttpError error) {}

    private final Request request;
    private final long limit;
    private final boolean keep;
    private final CompletableFuture<Body> done = new CompletableFuture<>();
    private final ByteArrayOutputStream kept;
    private long total;
    private HttpError refusal;

    private BodyReader(Request request, long limit, boolean keep) {
        this.request = request;
        this.limit = limit;
        this.keep = keep;
        long declared = request.getLength();
        this.kept = new ByteArrayOutputStream(keep && declared > 0 && declared <= limit ? (int) declared : 8192);
    }

    /**
     * Starts reading {@code request}'s body: kept when {@code keep}, else read away (an answer
     * that does not need the body, such as a 404, still lets the client finish sending).
     */
    static CompletableFuture<Body> read(Request request, long limit, boolean keep, long timeoutNanos, ScheduledExecutorService timer) {
        BodyReader r = new BodyReader(request, keep ? limit : 0, keep);
        long declared = request.getLength();
        if (keep && declared > limit) {
            String message = "request body of " + declared + " bytes is above the limit of " + limit + " bytes";
            if (declared > limit + DRAIN_LIMIT) return CompletableFuture.completedFuture(new Body(new byte[0], HttpError.tooLarge(message, true)));
            r.refusal = HttpError.tooLarge(message, false);
        } else if (!keep && declared > DRAIN_LIMIT) {
            return CompletableFuture.completedFuture(new Body(new byte[0], null));   // the caller's answer closes the connection
        }
        ScheduledFuture<?> timeout = timer.schedule(() -> r.finish(new HttpError(408, "request_timeout",
                "the request body did not arrive within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", true)), timeoutNanos, TimeUnit.NANOSECONDS);
        r.done.whenComplete((b, e) -> timeout.cancel(false));
        r.loop();
        return r.done;
    }

    /** Takes every chunk that is there; asks to be called again when more arrives. */
    private void loop() {
        while (!done.isDone()) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this::loop);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable cause = chunk.getFailure();
                if (chunk.isLast()) {
                    finish(new HttpError(400, "bad_request", "the request body could not be read: " + oneLine(cause), true));
                    return;
                }
                continue;   // a transient failure: keep reading
            }
            try {
                take(chunk.getByteBuffer());
            } finally {
                chunk.release();
            }
            if (chunk.isLast()) {
                finish(refusal);
                return;
            }
        }
    }

    private void take(ByteBuffer data) {
        int n = data.remaining();
        total += n;
        if (refusal == null && keep && total > limit) refusal = HttpError.tooLarge("request body is above the limit of " + limit + " bytes", false);
        if (total > limit + DRAIN_LIMIT) {
            HttpError cut = refusal != null ? refusal : HttpError.tooLarge("request body is above " + (limit + DRAIN_LIMIT) + " bytes", true);
            finish(new HttpError(cut.status, cut.code, cut.getMessage(), true));
            return;
        }
        if (keep && refusal == null) {
            byte[] b = new byte[n];
            data.get(b);
            kept.write(b, 0, n);
        }
    }

    private void finish(HttpError error) {
        done.complete(new Body(error == null ? kept.toByteArray() : new byte[0], error));
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }
}
