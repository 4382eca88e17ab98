package dev.fovea.serve;

/**
 * A request that ends in an error status; the message goes to the client in a JSON body.
 * {@code reason} is the label it is counted under in {@code fovea_rejected_total} (the code,
 * unless a finer one says more, such as "queue_full" for an "overloaded").
 */
final class HttpError extends RuntimeException {
    final int status;
    final String code;
    final String reason;
    /** The request body was left unread: the connection cannot carry another request. */
    final boolean closeConnection;

    HttpError(int status, String code, String message) {
        this(status, code, message, false);
    }

    HttpError(int status, String code, String message, boolean closeConnection) {
        this(status, code, code, message, closeConnection);
    }

    private HttpError(int status, String code, String reason, String message, boolean closeConnection) {
        super(message, null, false, false);   // no stack trace: these are answers, not bugs
        this.status = status;
        this.code = code;
        this.reason = reason;
        this.closeConnection = closeConnection;
    }

    /** The same answer, counted under a finer reason. */
    HttpError because(String finerReason) {
        return new HttpError(status, code, finerReason, getMessage(), closeConnection);
    }

    static HttpError badRequest(String message) { return new HttpError(400, "bad_request", message); }
    static HttpError notFound(String message) { return new HttpError(404, "not_found", message); }
    static HttpError tooLarge(String message, boolean bodyLeftUnread) { return new HttpError(413, "payload_too_large", message, bodyLeftUnread); }
    static HttpError unsupported(String message) { return new HttpError(415, "unsupported_media_type", message); }
    static HttpError overloaded(String message) { return new HttpError(503, "overloaded", message); }
    static HttpError timedOut(String message) { return new HttpError(503, "timeout", message); }
}
