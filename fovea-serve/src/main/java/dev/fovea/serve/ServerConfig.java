package dev.fovea.serve;

import dev.fovea.FoveaException;

import java.time.Duration;

/**
 * The server's limits. The defaults are safe for a laptop: loopback only, 8 MiB bodies, 16
 * megapixel images, 64 queued examples per model, 10 s per request.
 *
 * @param host           address to bind; 127.0.0.1 unless told otherwise
 * @param port           0 picks a free port (tests)
 * @param maxBodyBytes   larger request bodies are refused with 413 before they are read
 * @param maxPixels      larger images are refused with 400 from their header, before decoding
 * @param queueCapacity  examples waiting per model; when full, 503 at once
 * @param maxBatch       most examples in one forward pass (1 turns micro-batching off)
 * @param batchDelay     how long the batcher waits for company once it holds a first request
 * @param timeout        per request, from arrival to answer; past it, 503
 * @param maxInFlight    prediction requests being handled at once; past it, 503 at once
 * @param decodeThreads  images decoded at once (decoding is CPU-bound and allocates the full image)
 * @param topK           classes returned by default
 */
public record ServerConfig(String host, int port, long maxBodyBytes, long maxPixels, int queueCapacity, int maxBatch,
                           Duration batchDelay, Duration timeout, int maxInFlight, int decodeThreads, int topK) {
    public static final String DEFAULT_HOST = "127.0.0.1";

    public ServerConfig {
        check(port >= 0 && port <= 65535, "port must be 0..65535, got " + port);
        check(maxBodyBytes >= 1024, "max body bytes must be at least 1024, got " + maxBodyBytes);
        check(maxPixels >= 1, "max pixels must be positive, got " + maxPixels);
        check(queueCapacity >= 1, "queue capacity must be >= 1, got " + queueCapacity);
        check(maxBatch >= 1 && maxBatch <= 4096, "max batch must be 1..4096, got " + maxBatch);
        check(!batchDelay.isNegative() && batchDelay.toMillis() <= 1000, "batch delay must be 0..1000 ms, got " + batchDelay.toMillis() + " ms");
        check(timeout.toMillis() >= 1, "timeout must be at least 1 ms, got " + timeout.toMillis() + " ms");
        check(maxInFlight >= 1, "max in-flight requests must be >= 1, got " + maxInFlight);
        check(decodeThreads >= 1, "decode threads must be >= 1, got " + decodeThreads);
        check(topK >= 1, "top-k must be >= 1, got " + topK);
    }

    public static ServerConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServerConfig(DEFAULT_HOST, 8080, 8L << 20, 16_000_000L, 64, 32, Duration.ofMillis(2),
                Duration.ofSeconds(10), 128, cores, 5);
    }

    public ServerConfig withHost(String h) { return new ServerConfig(h, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK); }
    public ServerConfig withPort(int p) { return new ServerConfig(host, p, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK); }
    public ServerConfig withMaxBodyBytes(long b) { return new ServerConfig(host, port, b, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK); }
    public ServerConfig withMaxPixels(long p) { return new ServerConfig(host, port, maxBodyBytes, p, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK); }
    public ServerConfig withQueueCapacity(int q) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, q, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, topK); }
    public ServerConfig withMaxBatch(int b) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, b, batchDelay, timeout, maxInFlight, decodeThreads, topK); }
    public ServerConfig withBatchDelay(Duration d) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, d, timeout, maxInFlight, decodeThreads, topK); }
    public ServerConfig withTimeout(Duration t) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, t, maxInFlight, decodeThreads, topK); }
    public ServerConfig withMaxInFlight(int n) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, n, decodeThreads, topK); }
    public ServerConfig withDecodeThreads(int n) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, n, topK); }
    public ServerConfig withTopK(int k) { return new ServerConfig(host, port, maxBodyBytes, maxPixels, queueCapacity, maxBatch, batchDelay, timeout, maxInFlight, decodeThreads, k); }

    private static void check(boolean ok, String message) {
        if (!ok) throw new FoveaException("server: " + message);
    }
}
