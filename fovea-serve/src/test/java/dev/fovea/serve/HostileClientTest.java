package dev.fovea.serve;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an attacker or a broken client does to the server, over raw sockets on loopback (issue 14's red-team items 1, 11, 12). */
class HostileClientTest {
    static final byte[] PULLOVER = TestModels.pullover();

    /**
     * Item 1: uploads that send their headers and then stall must not hold inference slots. With
     * more stalled uploads open than the server has prediction slots (128 by default), ordinary
     * clients still get answers. The request count is a property so the figure (1,000
     * requests from 20 clients) can be measured with the same code:
     * {@code -Dfovea.serve.stalled.requests=1000}.
     */
    @Test
    void stalledUploadsDoNotLockOutOrdinaryPredictions() throws Exception {
        int stalledCount = 130;
        int requests = Integer.getInteger("fovea.serve.stalled.requests", 200);
        int clients = 20;
        var models = InferenceServer.load(Map.of("tiny", TestModels.trainedTiny()));
        try (InferenceServer s = InferenceServer.start(models, ServerConfig.defaults().withPort(0), l -> { })) {
            int port = s.address().getPort();
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < stalledCount; i++) {
                    Socket sock = RawHttp.open(port);
                    sock.getOutputStream().write(("POST /v1/models/tiny:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                            + "Content-Length: " + PULLOVER.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    sock.getOutputStream().write(PULLOVER, 0, 16);   // a few bytes of the body, then nothing
                    sock.getOutputStream().flush();
                    stalled.add(sock);
                }
                Thread.sleep(200);   // let the server take them all in
                Http http = Http.of(s);
                ExecutorService pool = Executors.newFixedThreadPool(clients);
                List<Future<long[]>> results = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int mine = requests / clients;
                    results.add(pool.submit(() -> {
                        long[] nanosOrMinusStatus = new long[mine];
                        for (int i = 0; i < mine; i++) {
                            long t0 = System.nanoTime();
                            Http.Answer a = http.post("/v1/models/tiny:predict", "image/png", PULLOVER);
                            nanosOrMinusStatus[i] = a.status() == 200 ? System.nanoTime() - t0 : -a.status();
                        }
                        return nanosOrMinusStatus;
                    }));
                }
                List<Long> latencies = new ArrayList<>();
                List<Long> failures = new ArrayList<>();
                for (Future<long[]> f : results) for (long v : f.get()) (v < 0 ? failures : latencies).add(v);
                pool.shutdown();
                latencies.sort(null);
                double p99 = latencies.isEmpty() ? Double.NaN : latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1) / 1e6;
                System.out.printf("stalled uploads %d, ordinary requests %d from %d clients: %d ok, %d failed, p50 %.1f ms, p99 %.1f ms%n",
                        stalledCount, requests, clients, latencies.size(), failures.size(),
                        latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() / 2) / 1e6, p99);
                assertEquals(0, failures.size(), "ordinary requests failed while uploads stalled; statuses (negated), first ones: "
                        + failures.subList(0, Math.min(10, failures.size())));
                assertEquals(requests / clients * clients, latencies.size());
            } finally {
                for (Socket sock : stalled) sock.close();
            }
        }
    }

    /** Item 1: a body that trickles in slower than the body timeout allows is cut with a JSON 408 and the connection closed. */
    @Test
    void slowSendersAreCutAtTheBodyTimeout() throws Exception {
        var models = InferenceServer.load(Map.of("tiny", TestModels.trainedTiny()));
        ServerConfig c = ServerConfig.defaults().withPort(0).withBodyTimeout(java.time.Duration.ofMillis(800));
        try (InferenceServer s = InferenceServer.start(models, c, l -> { })) {
            try (Socket sock = RawHttp.open(s.address().getPort())) {
                sock.getOutputStream().write(("POST /v1/models/tiny:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                        + "Content-Length: " + PULLOVER.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                long start = System.nanoTime();
                for (int i = 0; i < 4; i++) {   // one byte every 300 ms: never idle long, but far too slow
                    sock.getOutputStream().write(PULLOVER[i]);
                    sock.getOutputStream().flush();
                    Thread.sleep(300);
                }
                RawHttp.Reply r = RawHttp.read(sock, 5000);
                double seconds = (System.nanoTime() - start) / 1e9;
                assertEquals(408, r.status(), r.head() + "\n" + r.body());
                assertTrue(r.isJsonError() && r.body().contains("request_timeout"), r.body());
                assertTrue(r.closed() || r.head().toLowerCase(java.util.Locale.ROOT).contains("connection: close"), r.head());
                assertTrue(seconds < 4, "cut at the body timeout, took " + seconds + " s");
            }
            assertTrue(rejected(s.metricsText(), "request_timeout") >= 1, s.metricsText());
            assertEquals(200, Http.of(s).post("/v1/models/tiny:predict", "image/png", PULLOVER).status());
        }
    }

    /** Item 1: bodies being received are capped; past the cap, 503 at once (and the connection is closed). */
    @Test
    void concurrentUploadsAreCapped() throws Exception {
        var models = InferenceServer.load(Map.of("tiny", TestModels.trainedTiny()));
        try (InferenceServer s = InferenceServer.start(models, ServerConfig.defaults().withPort(0).withMaxUploads(3), l -> { })) {
            int port = s.address().getPort();
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket sock = RawHttp.open(port);
                    sock.getOutputStream().write(("POST /v1/models/tiny:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                            + "Content-Length: 1000\r\n\r\nab").getBytes(StandardCharsets.ISO_8859_1));
                    stalled.add(sock);
                }
                long until = System.nanoTime() + 10_000_000_000L;
                while (!s.metricsText().contains("fovea_uploads_in_progress 3") && System.nanoTime() < until) Thread.sleep(10);
                Http.Answer busy = Http.of(s).post("/v1/models/tiny:predict", "image/png", PULLOVER);
                assertEquals(503, busy.status(), busy.body());
                assertTrue(busy.errorMessage().contains("receiving 3 request bodies"), busy.body());
                assertEquals(200, Http.of(s).get("/healthz").status(), "requests without a body need no upload slot");
            } finally {
                for (Socket sock : stalled) sock.close();
            }
            assertTrue(rejected(s.metricsText(), "uploads_full") >= 1, s.metricsText());
        }
    }

    /** Item 11: malformed HTTP gets the documented JSON error, never an HTML page. */
    @Test
    void malformedHttpGetsJsonErrors() {
        var models = InferenceServer.load(Map.of("tiny", TestModels.trainedTiny()));
        try (InferenceServer s = InferenceServer.start(models, ServerConfig.defaults().withPort(0), l -> { })) {
            int port = s.address().getPort();
            String post = "POST /v1/models/tiny:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n";
            List<String> cases = List.of(
                    post + "Content-Length: abc\r\n\r\n",
                    post + "Content-Length: -5\r\n\r\n",
                    post + "Content-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
                    post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
                    post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                    "GET /hea\rlthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n",
                    "GET / HTTP/7.1\r\nHost: 127.0.0.1\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n",
                    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                    "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003" + "\u0000".repeat(40) + "\r\n\r\n");
            for (String c : cases) {
                RawHttp.Reply r = RawHttp.exchange(port, c, 3000);
                String shown = c.substring(0, Math.min(60, c.length())).replace("\r", "\\r").replace("\n", "\\n");
                System.out.println(shown + " -> " + r.status() + " " + r.body());
                assertTrue(r.status() >= 400 && r.status() < 600, shown + " -> " + r.head());
                assertTrue(r.isJsonError(), shown + " -> a JSON error body, got:\n" + r.head() + "\n\n" + r.body());
            }
            assertEquals(200, Http.of(s).get("/healthz").status());
        }
    }

    /** Item 12: every refusal is counted in fovea_rejected_total, the overload 503s too. */
    @Test
    void overload503sAreCountedAsRejections() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        ServedModel m = InferenceServer.model("gated", TestModels.gated(gate), TestModels.gated(new CountDownLatch(0)));
        ServerConfig c = ServerConfig.defaults().withPort(0).withMaxInFlight(1).withMaxBatch(1);
        try (InferenceServer s = InferenceServer.start(List.of(m), c, l -> { })) {
            Http http = Http.of(s);
            CompletableFuture<Http.Answer> first = CompletableFuture.supplyAsync(() -> http.post("/v1/models/gated:predict", "image/png", PULLOVER));
            long until = System.nanoTime() + 10_000_000_000L;
            while (!s.metricsText().contains("fovea_inflight_requests 1") && System.nanoTime() < until) Thread.sleep(10);
            Http.Answer refused = http.post("/v1/models/gated:predict", "image/png", PULLOVER);
            assertEquals(503, refused.status(), refused.body());
            assertEquals("overloaded", refused.json().requireObject("error").requireString("code"));
            gate.countDown();
            assertEquals(200, first.get().status());
            assertTrue(rejected(s.metricsText(), "overloaded") >= 1, "overload counted in\n" + s.metricsText());
        }
    }

    /** The sum of fovea_rejected_total series with this reason. */
    static long rejected(String metrics, String reason) {
        Matcher m = Pattern.compile("(?m)^fovea_rejected_total\\{([^}]*)\\} (\\d+)$").matcher(metrics);
        long n = 0;
        while (m.find()) if (Arrays.asList(m.group(1).split(",")).contains("reason=\"" + reason + "\"")) n += Long.parseLong(m.group(2));
        return n;
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
