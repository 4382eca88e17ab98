package dev.fovea.serve;

/**
 * Limits of the JDK's HTTP server, which it reads from system properties once, when its classes
 * load: so they are set here, before the first server is created, unless the user set them.
 * Without them the JDK server waits forever on a slow client (a slow-loris holds a connection
 * open at no cost), accepts connections without bound, and sends small answers late (Nagle's
 * algorithm meets delayed ACKs: 40 ms stalls per request).
 */
final class HttpServerLimits {
    private HttpServerLimits() {}

    static synchronized void apply() {
        setDefault("sun.net.httpserver.nodelay", "true");
        setDefault("sun.net.httpserver.maxReqTime", "30");        // seconds to send the request, headers and body
        setDefault("sun.net.httpserver.maxRspTime", "60");        // seconds to take the answer
        setDefault("jdk.httpserver.maxConnections", "1024");
        setDefault("sun.net.httpserver.maxReqHeaders", "100");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
