package dev.fovea.serve;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batching, back-pressure and time limits, over real HTTP on loopback. */
class LoadBehaviourTest {
    static final byte[] PULLOVER = TestModels.pullover();

    @Test
    void concurrentRequestsShareAForwardPass() throws Exception {
        var models = InferenceServer.load(Map.of("tiny", TestModels.trainedTiny()));
        // A long batch delay: the first request waits for the others, so the batch is certain to gather them.
        try (InferenceServer s = InferenceServer.start(models, ServerConfig.defaults().withPort(0).withBatchDelay(Duration.ofMillis(400)), l -> { })) {
            Http http = Http.of(s);
            List<CompletableFuture<Http.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) answers.add(CompletableFuture.supplyAsync(() -> http.post("/v1/models/tiny:predict", "image/png", PULLOVER)));
            int largest = 0;
            for (var f : answers) {
                Http.Answer a = f.get();
                assertEquals(200, a.status(), a.body());
                largest = Math.max(largest, a.json().requireArray("predictions").object(0).requireInt("batch_size"));
            }
            assertTrue(largest >= 2, "at least two requests shared a forward pass; largest batch " + largest);
        }
    }

    @Test
    void aFullQueueAnswers503AtOnceAndALateRequest503AfterItsTimeout() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        ServedModel m = InferenceServer.model("gated", TestModels.gated(gate), TestModels.gated(new CountDownLatch(0)));
        ServerConfig c = ServerConfig.defaults().withPort(0).withQueueCapacity(1).withMaxBatch(1).withTimeout(Duration.ofMillis(1500));
        try (InferenceServer s = InferenceServer.start(List.of(m), c, l -> { })) {
            Http http = Http.of(s);
            CompletableFuture<Http.Answer> first = CompletableFuture.supplyAsync(() -> http.post("/v1/models/gated:predict", "image/png", PULLOVER));
            waitFor(() -> s.metricsText().contains("fovea_queue_depth{model=\"gated\"} 0") && s.metricsText().contains("fovea_inflight_requests 1"));
            CompletableFuture<Http.Answer> second = CompletableFuture.supplyAsync(() -> http.post("/v1/models/gated:predict", "image/png", PULLOVER));
            waitFor(() -> s.metricsText().contains("fovea_queue_depth{model=\"gated\"} 1"));
            long start = System.nanoTime();
            Http.Answer third = http.post("/v1/models/gated:predict", "image/png", PULLOVER);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(503, third.status(), third.body());
            assertEquals("overloaded", third.json().requireObject("error").requireString("code"));
            assertTrue(seconds < 1.0, "a full queue answers at once, took " + seconds + " s");
            Http.Answer late = second.get();
            assertEquals(503, late.status(), late.body());
            assertEquals("timeout", late.json().requireObject("error").requireString("code"));
            gate.countDown();
            first.get();
            assertEquals(200, http.get("/healthz").status());
            assertEquals(200, http.post("/v1/models/gated:predict", "image/png", PULLOVER).status(), "serves again once the gate opens");
        }
    }

    @Test
    void mixedValidAndInvalidTrafficGetsTheRightAnswersAndTheServerStaysUp() throws Exception {
        var models = InferenceServer.load(Map.of("tiny", TestModels.trainedTiny()));
        try (InferenceServer s = InferenceServer.start(models, ServerConfig.defaults().withPort(0).withMaxBodyBytes(64 * 1024), l -> { })) {
            Http http = Http.of(s);
            byte[][] bodies = {PULLOVER, "junk".getBytes(), PULLOVER, new byte[100 * 1024], ServerApiTest.pngHeaderClaiming(50_000, 50_000), "{}".getBytes()};
            String[] types = {"image/png", "image/png", "image/png", "image/png", "image/png", "text/plain"};
            int[] expected = {200, 400, 200, 413, 400, 415};
            AtomicInteger wrong = new AtomicInteger();
            List<String> mistakes = java.util.Collections.synchronizedList(new ArrayList<>());
            long until = System.nanoTime() + 3_000_000_000L;   // bounded: 3 s of 8 clients
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> counts = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                counts.add(pool.submit(() -> {
                    int n = 0;
                    for (int i = offset; System.nanoTime() < until; i++, n++) {
                        int k = i % bodies.length;
                        Http.Answer a = http.post("/v1/models/tiny:predict", types[k], bodies[k]);
                        if (a.status() != expected[k]) {
                            wrong.incrementAndGet();
                            mistakes.add(k + " -> " + a.status() + " " + a.body());
                        }
                    }
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> f : counts) total += f.get();
            pool.shutdown();
            assertEquals(0, wrong.get(), "wrong answers: " + mistakes.subList(0, Math.min(5, mistakes.size())));
            assertTrue(total >= 48, "made " + total + " requests");
            assertEquals(200, http.get("/healthz").status());
            assertEquals(200, http.post("/v1/models/tiny:predict", "image/png", PULLOVER).status());
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("condition not reached in 10 s");
            Thread.sleep(10);
        }
    }
}
