package dev.fovea.serve;

/** A request that ends in an error status; the message goes to the client in a JSON body. */
final class HttpError extends RuntimeException {
    final int status;
    final String code;
    /** The request body was left unread: the connection cannot carry another request. */
    final boolean closeConnection;

    HttpError(int status, String code, String message) {
        this(status, code, message, false);
    }

    HttpError(int status, String code, String message, boolean closeConnection) {
        super(message, null, false, false);   // no stack trace: these are answers, not bugs
        this.status = status;
        this.code = code;
        this.closeConnection = closeConnection;
    }

    static HttpError badRequest(String message) { return new HttpError(400, "bad_request", message); }
    static HttpError notFound(String message) { return new HttpError(404, "not_found", message); }
    static HttpError tooLarge(String message, boolean bodyLeftUnread) { return new HttpError(413, "payload_too_large", message, bodyLeftUnread); }
    static HttpError unsupported(String message) { return new HttpError(415, "unsupported_media_type", message); }
    static HttpError overloaded(String message) { return new HttpError(503, "overloaded", message); }
    static HttpError timedOut(String message) { return new HttpError(503, "timeout", message); }
}
