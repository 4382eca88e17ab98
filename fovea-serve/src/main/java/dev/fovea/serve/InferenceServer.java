package dev.fovea.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fovea.FoveaException;
import dev.fovea.train.Prediction;
import dev.fovea.train.Predictor;
import dev.fovea.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The inference server: a JSON API over the JDK's HTTP server, and the web page.
 *
 * <pre>
 * GET  /                            the web page (drop, pick or draw an image)
 * GET  /v1/models                   every model: input shape, labels, layers, summary
 * GET  /v1/models/{name}            one of them
 * POST /v1/models/{name}:predict    image (PNG, JPEG) or {"tensor": ...} -> top-k labels and probabilities
 * POST /v1/models/{name}:visualize  image -> the same, plus every layer's feature maps, saliency, Grad-CAM
 * GET  /healthz  /readyz            liveness, readiness
 * GET  /metrics                     Prometheus text format
 * </pre>
 *
 * Each exchange runs on its own virtual thread; what bounds the work is admission, not a thread
 * pool: at most {@code maxInFlight} prediction requests at once (more get 503 at once), at most
 * {@code decodeThreads} images decoding at once, and each model's bounded batch queue.
 */
public final class InferenceServer implements AutoCloseable {
    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final ServerConfig config;
    private final Metrics metrics = new Metrics();
    private final Semaphore inFlight;
    private final Semaphore decodeSlots;
    private final InputDecoder decoder;
    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Consumer<String> log;
    private final byte[] page;
    private volatile boolean ready;

    private InferenceServer(List<ServedModel> served, ServerConfig config, Consumer<String> log) throws IOException {
        this.config = config;
        this.log = log;
        this.inFlight = new Semaphore(config.maxInFlight());
        this.decodeSlots = new Semaphore(config.decodeThreads());
        this.decoder = new InputDecoder(config.maxPixels());
        this.page = resource("index.html");
        describeMetrics();
        for (ServedModel m : served) {
            if (models.putIfAbsent(m.name, m) != null) throw new FoveaException("two models are named \"" + m.name + "\"; names must be unique");
            m.batcher = new MicroBatcher(m.name, m.model, config.maxBatch(), config.batchDelay().toNanos(), config.queueCapacity(), metrics);
        }
        metrics.gauge("fovea_inflight_requests", "", () -> config.maxInFlight() - inFlight.availablePermits());
        metrics.gauge("fovea_jvm_heap_used_bytes", "", () -> Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        HttpServerLimits.apply();
        try {
            this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 256);
        } catch (BindException e) {
            close();
            throw new FoveaException("cannot listen on " + config.host() + ":" + config.port() + " (" + e.getMessage() + "); pick another --port or --host");
        }
        http.createContext("/", this::handle);
        http.setExecutor(executor);
        http.start();
        ready = true;
    }

    /** Starts serving {@code models}; {@code log} receives one line per server-side failure. */
    public static InferenceServer start(List<ServedModel> models, ServerConfig config, Consumer<String> log) {
        if (models.isEmpty()) throw new FoveaException("server: no model to serve");
        try {
            return new InferenceServer(models, config, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads each {@code name -> .fovea file} once, now; the server never loads models later. */
    public static List<ServedModel> load(Map<String, java.nio.file.Path> files) {
        List<ServedModel> out = new ArrayList<>();
        for (var e : files.entrySet()) out.add(ServedModel.load(e.getKey(), e.getValue()));
        return out;
    }

    /** A model built in memory (tests, embedding), served as one instance. */
    public static ServedModel model(String name, dev.fovea.model.Model model) {
        return ServedModel.of(name, model, model);
    }

    /** As {@link #model(String, dev.fovea.model.Model)}, visualising on {@code vizModel} (tests that gate one instance). */
    public static ServedModel model(String name, dev.fovea.model.Model model, dev.fovea.model.Model vizModel) {
        return ServedModel.of(name, model, vizModel);
    }

    public InetSocketAddress address() { return http.getAddress(); }

    public ServerConfig config() { return config; }

    String metricsText() { return metrics.render(); }

    private void handle(HttpExchange ex) {
        long start = System.nanoTime();
        String endpoint = "unknown";
        int status = 500;
        try (ex) {
            try {
                Route r = Route.of(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), models);
                endpoint = r.endpoint();
                status = dispatch(ex, r, start);
            } catch (HttpError e) {
                status = e.status;
                if (e.status >= 400 && e.status < 500) metrics.inc("fovea_rejected_total", Metrics.labels("reason", e.code));
                Exchanges.error(ex, e);
            } catch (RuntimeException | Error e) {
                status = 500;
                log.accept("fovea serve: error in " + endpoint + ": " + e);
                Exchanges.error(ex, new HttpError(500, "internal", "internal error: " + e.getClass().getSimpleName()));
            }
        } catch (IOException e) {
            status = 499;   // the client went away mid-answer
        } finally {
            metrics.inc("fovea_http_requests_total", Metrics.labels("endpoint", endpoint, "code", Integer.toString(status)));
            metrics.observe("fovea_http_request_duration_seconds", Metrics.labels("endpoint", endpoint), Metrics.SECONDS,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private int dispatch(HttpExchange ex, Route r, long start) throws IOException {
        switch (r.endpoint()) {
            case "page" -> {
                ex.getResponseHeaders().set("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data: blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'");
                Exchanges.send(ex, 200, "text/html; charset=utf-8", page);
            }
            case "healthz" -> Exchanges.json(ex, 200, Map.of("status", "alive"));
            case "readyz" -> {
                boolean ok = ready && models.values().stream().allMatch(m -> m.batcher.alive());
                Exchanges.json(ex, ok ? 200 : 503, Map.of("status", ok ? "ready" : "not ready", "models", List.copyOf(models.keySet())));
                return ok ? 200 : 503;
            }
            case "metrics" -> Exchanges.send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.render().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            case "models" -> {
                List<Object> all = new ArrayList<>();
                for (ServedModel m : models.values()) all.add(m.describe());
                Exchanges.json(ex, 200, Map.of("models", all));
            }
            case "model" -> Exchanges.json(ex, 200, r.model().describe());
            case "predict", "visualize" -> {
                Exchanges.json(ex, 200, predict(ex, r.model(), start, r.endpoint().equals("visualize")));
            }
            default -> throw new IllegalStateException("no handler for " + r.endpoint());
        }
        return 200;
    }

    private Map<String, Object> predict(HttpExchange ex, ServedModel m, long start, boolean visualize) throws IOException {
        long deadline = start + config.timeout().toNanos();
        if (!inFlight.tryAcquire()) {
            throw HttpError.overloaded("the server is handling " + config.maxInFlight() + " prediction requests (the limit); retry shortly");
        }
        try {
            int k = Math.min(m.classes(), Route.topK(ex.getRequestURI().getRawQuery(), config.topK()));
            byte[] body = Exchanges.body(ex, config.maxBodyBytes());
            InputDecoder.Decoded in = decode(ex.getRequestHeaders().getFirst("Content-Type"), body, m, deadline);
            if (visualize && in.examples().size() != 1) throw HttpError.badRequest(":visualize takes one image, got " + in.examples().size() + " examples");
            List<CompletableFuture<MicroBatcher.Result>> pending = new ArrayList<>();
            for (float[] x : in.examples()) pending.add(m.batcher.submit(x, deadline));
            List<Object> predictions = new ArrayList<>();
            int[] top = new int[pending.size()];
            for (int i = 0; i < pending.size(); i++) {
                MicroBatcher.Result res = await(pending.get(i), deadline, m);
                predictions.add(prediction(m, res, k));
                top[i] = argmax(res.probabilities());
            }
            metrics.observe("fovea_predict_latency_seconds", Metrics.labels("model", m.name), Metrics.SECONDS, (System.nanoTime() - start) / 1e9);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", m.name);
            out.put("input", in.description());
            out.put("predictions", predictions);
            if (visualize) {
                int cls = Route.classIndex(ex.getRequestURI().getRawQuery(), m, top[0]);
                out.put("visualization", m.withVizModel(deadline - System.nanoTime(), vm -> LayerPictures.of(vm, in.examples().get(0), cls)));
            }
            return out;
        } finally {
            inFlight.release();
        }
    }

    private InputDecoder.Decoded decode(String contentType, byte[] body, ServedModel m, long deadline) {
        try {
            if (!decodeSlots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw HttpError.timedOut("timed out waiting to decode the image (" + config.timeout().toMillis() + " ms per request)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpError.timedOut("interrupted");
        }
        try {
            return decoder.decode(contentType, body, m.model.inputShape());
        } finally {
            decodeSlots.release();
        }
    }

    private MicroBatcher.Result await(CompletableFuture<MicroBatcher.Result> f, long deadline, ServedModel m) {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            metrics.inc("fovea_rejected_total", Metrics.labels("model", m.name, "reason", "timeout"));
            throw HttpError.timedOut("model " + m.name + " did not answer within " + config.timeout().toMillis() + " ms; the server is overloaded");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpError.timedOut("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpError he) throw he;
            throw new IllegalStateException("forward pass of " + m.name + " failed: " + e.getCause(), e.getCause());
        }
    }

    private static Map<String, Object> prediction(ServedModel m, MicroBatcher.Result res, int k) {
        float[] p = res.probabilities();
        Tensor probs = Tensor.of(p, 1, p.length);
        List<Object> topK = new ArrayList<>();
        for (Prediction pr : Predictor.topK(probs, 0, k, m.labels())) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("label", pr.label());
            e.put("index", pr.classIndex());
            e.put("probability", pr.probability());
            topK.add(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("top_k", topK);
        out.put("probabilities", p);
        out.put("batch_size", res.batchSize());
        return out;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private void describeMetrics() {
        metrics.describe("fovea_http_requests_total", "counter", "HTTP requests answered, by endpoint and status code.");
        metrics.describe("fovea_http_request_duration_seconds", "histogram", "Time from request to answer, by endpoint.");
        metrics.describe("fovea_predict_latency_seconds", "histogram", "Latency of successful predictions, by model.");
        metrics.describe("fovea_forward_seconds", "histogram", "Duration of one batched forward pass, by model.");
        metrics.describe("fovea_batch_size", "histogram", "Examples per forward pass, by model.");
        metrics.describe("fovea_queue_depth", "gauge", "Examples waiting for a forward pass, by model.");
        metrics.describe("fovea_queue_capacity", "gauge", "Most examples that may wait, by model.");
        metrics.describe("fovea_rejected_total", "counter", "Requests refused or dropped, by reason.");
        metrics.describe("fovea_inflight_requests", "gauge", "Prediction requests being handled.");
        metrics.describe("fovea_jvm_heap_used_bytes", "gauge", "JVM heap in use.");
    }

    private static byte[] resource(String name) {
        try (InputStream in = InferenceServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the fovea-serve jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops accepting, lets answers in progress finish (up to 2 s), stops the batchers. */
    @Override public void close() {
        ready = false;
        if (http != null) http.stop(2);
        for (ServedModel m : models.values()) m.close();
        executor.close();
    }
}
