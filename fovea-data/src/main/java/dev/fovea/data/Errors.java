package dev.fovea.data;

/** Turns a caught exception into the parenthesised detail of a one-line user error. */
final class Errors {
    private Errors() {}

    /**
     * The exception's message on one line, or its type when it has none: JDK decoders throw
     * EOFException and ArrayIndexOutOfBoundsException without messages, and a few messages
     * span lines.
     */
    static String detail(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        return m.strip().replaceAll("\\s+", " ");
    }

    /** As {@link #detail}, prefixed by the exception type when there is a message to prefix. */
    static String detailWithType(Throwable e) {
        String d = detail(e);
        String type = e.getClass().getSimpleName();
        return d.equals(type) ? d : type + ": " + d;
    }
}
