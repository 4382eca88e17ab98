package dev.fovea;

/**
 * An error the user can act on: bad input, a corrupt file, a shape that does not fit. The message
 * is one line saying what was wrong, where (file, layer, node, pixel size) and what is accepted.
 * The CLI prints only the message (the stack trace under --verbose) and exits non-zero.
 */
public class FoveaException extends RuntimeException {
    public FoveaException(String message) {
        super(message);
    }

    public FoveaException(String message, Throwable cause) {
        super(message, cause);
    }
}
