package dev.fovea.cli;

/** A usage or environment problem found by the CLI itself; printed as one line. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }
}
