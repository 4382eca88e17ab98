package dev.fovea.serve;

import dev.fovea.FoveaException;

import java.time.Duration;

/**
 * The server's limits. The defaults are safe for a laptop: loopback only, 8 MiB bodies, 16
 * megapixel images, 64 queued examples per model, 10 s per request, 30 s to send a body.
 *
 * @param host           address to bind; 127.0.0.1 unless told otherwise
 * @param port           0 picks a free port (tests)
 * @param maxBodyBytes   larger request bodies are refused with 413, counted while reading
 * @param maxPixels      larger images are refused with 400 from their header, before decoding
 * @param queueCapacity  examples waiting per model; when full, 503 at once
 * @param maxBatch       most examples in one forward pass (1 turns micro-batching off)
 * @param batchDelay     how long the batcher waits for company once it holds a first request
 * @param timeout        per request, from the end of its body to the answer; past it, 503
 * @param maxInFlight    prediction requests being worked on once their body has arrived (decoding, queued, in a forward pass); past it, 503 at once
 * @param decodeThreads  images decoded at once (decoding is CPU-bound and allocates the full image)
 * @param topK           classes returned by default
 * @param bodyTimeout    from the request's arrival to the last byte of its body; past it, 408 and the connection closed
 * @param idleTimeout    a connection on which nothing moves (headers, body or answer) this long is closed
 * @param maxUploads     request bodies being received at once (they hold no inference slot); past it, 503 at once
 * @param maxConnections open connections; past it, new ones wait in the kernel's accept queue
 */
public record ServerConfig(String host, int port, long maxBodyBytes, long maxPixels, int queueCapacity, int maxBatch, Duration batchDelay, Duration timeout, int maxInFlight, int decodeThreads, int topK, Duration bodyTimeout, Duration idleTimeout, int maxUploads, int maxConnections) {
    public static final String DEFAULT_HOST = "127.0.0.1";

    public ServerConfig {
        check(port >= 0 && port <= 65535, "port must be 0..65535, got " + port);
        check(maxBodyBytes >= 1024 && maxBodyBytes <= Integer.MAX_VALUE - 8, "max body bytes must be 1024..2^31-9, got " + maxBodyBytes);
        check(maxPixels >= 1, "max pixels must be positive, got " + maxPixels);
        check(queueCapacity >= 1, "queue capacity must be >= 1, got " + queueCapacity);
        check(maxBatch >= 1 && maxBatch <= 4096, "max batch must be 1..4096, got " + maxBatch);
        check(!batchDelay.isNegative() && batchDelay.toMillis() <= 1000, "batch delay must be 0..1000 ms, got " + batchDelay.toMillis() + " ms");
        check(timeout.toMillis() >= 1, "timeout must be at least 1 ms, got " + timeout.toMillis() + " ms");
        check(maxInFlight >= 1, "max in-flight requests must be >= 1, got " + maxInFlight);
        check(decodeThreads >= 1, "decode threads must be >= 1, got " + decodeThreads);
        check(topK >= 1, "top-k must be >= 1, got " + topK);
        check(bodyTimeout.toMillis() >= 1, "body timeout must be at least 1 ms, got " + bodyTimeout.toMillis() + " ms");
        check(idleTimeout.toMillis() >= 1, "idle timeout must be at least 1 ms, got " + idleTimeout.toMillis() + " ms");
        check(maxUploads >= 1, "max uploads must be >= 1, got " + maxUploads);
        check(maxConnections >= 1, "max connections must be >= 1, got " + maxConnections);
    }

    public static ServerConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServerConfig(DEFAULT_HOST, 8080, 8L << 20, 16_000_000L, 64, 32, Duration.ofMillis(2),
                Duration.ofSeconds(10), 128, cores, 5, Duration.ofSeconds(30), Duration.ofSeconds(30), 512, 1024);
    }

    public ServerConfig withHost(String h) { return new ServerConfig(h, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK, bodyTimeout, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withPort(int p) { return new ServerConfig(host, p, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK, bodyTimeout, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withMaxBodyBytes(long b) { return new ServerConfig(host, port, b, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK, bodyTimeout, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withMaxPixels(long p) { return new ServerConfig(host, port, maxBodyBytes, p, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK, bodyTimeout, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withQueueCapacity(int q) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, q, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK, bodyTimeout, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withMaxBatch(int b) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, b, batchDelay, timeout, maxInFlight, decodeThreads, topK, bodyTimeout, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withBatchDelay(Duration d) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, d, timeout, maxInFlight, decodeThreads, topK, bodyTimeout, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withTimeout(Duration t) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, t, maxInFlight, decodeThreads, topK, bodyTimeout, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withMaxInFlight(int n) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, n, decodeThreads, topK, bodyTimeout, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withDecodeThreads(int n) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, n, topK, bodyTimeout, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withTopK(int k) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, k, bodyTimeout, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withBodyTimeout(Duration t) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK, t, idleTimeout, maxUploads, maxConnections); }
    public ServerConfig withIdleTimeout(Duration t) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK, bodyTimeout, t, maxUploads, maxConnections); }
    public ServerConfig withMaxUploads(int n) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK, bodyTimeout, idleTimeout, n, maxConnections); }
    public ServerConfig withMaxConnections(int n) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK, bodyTimeout, idleTimeout, maxUploads, n); }

    private static void check(boolean ok, String message) {
        if (!ok) throw new FoveaException("server: " + message);
    }
}
