package dev.fovea.serve;

import dev.fovea.FoveaException;
import dev.fovea.train.Prediction;
import dev.fovea.tensor.Tensor;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The inference server: a JSON API over Jetty, and the web page.
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
 * A request goes through two admissions. First its body is received, without a thread, by
 * {@link BodyReader} (at most {@code maxUploads} at once, each within {@code bodyTimeout}); a
 * client that sends its headers and stalls holds a connection and nothing else. Only then does
 * its work start, on a virtual thread: at most {@code maxInFlight} prediction requests at once
 * (more get 503 at once), at most {@code decodeThreads} images decoding at once, and each model's
 * bounded batch queue. Jetty answers what it cannot parse, through {@link JsonErrorHandler}.
 */
public final class InferenceServer implements AutoCloseable {
    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final ServerConfig config;
    private final Metrics metrics = new Metrics();
    private final Semaphore inFlight;
    private final Semaphore uploads;
    private final Semaphore decodeSlots;
    private final InputDecoder decoder;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledThreadPoolExecutor timer;
    private final Consumer<String> log;
    private final byte[] page;
    private Server jetty;
    private ServerConnector connector;
    private volatile boolean ready;

    private InferenceServer(List<ServedModel> served, ServerConfig config, Consumer<String> log) {
        this.config = config;
        this.log = log;
        this.inFlight = new Semaphore(config.maxInFlight());
        this.uploads = new Semaphore(config.maxUploads());
        this.decodeSlots = new Semaphore(config.decodeThreads());
        this.decoder = new InputDecoder(config.maxPixels());
        this.page = resource("index.html");
        this.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon(true).name("fovea-serve-timer").unstarted(r));
        timer.setRemoveOnCancelPolicy(true);
        describeMetrics();
        for (ServedModel m : served) {
            if (models.putIfAbsent(m.name, m) != null) throw new FoveaException("two models are named \"" + m.name + "\"; names must be unique");
            m.batcher = new MicroBatcher(m.name, m.model, config.maxBatch(), config.batchDelay().toNanos(), config.queueCapacity(), metrics);
        }
        metrics.gauge("fovea_inflight_requests", "", () -> config.maxInFlight() - inFlight.availablePermits());
        metrics.gauge("fovea_uploads_in_progress", "", () -> config.maxUploads() - uploads.availablePermits());
        metrics.gauge("fovea_jvm_heap_used_bytes", "", () -> Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        listen();
        ready = true;
    }

    /** Jetty on {@code host:port}: its own few platform threads do the I/O; the work runs on virtual threads. */
    private void listen() {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("fovea-http");
        threads.setDaemon(true);
        jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        connector.setAcceptQueueSize(256);
        jetty.addConnector(connector);
        jetty.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
        jetty.setErrorHandler(new JsonErrorHandler(status -> {
            metrics.inc("fovea_http_requests_total", Metrics.labels("endpoint", "protocol", "code", Integer.toString(status)));
            if (status < 500) metrics.inc("fovea_rejected_total", Metrics.labels("reason", "bad_http"));
        }));
        jetty.setHandler(new Handler.Abstract.NonBlocking() {
            @Override public boolean handle(Request request, Response response, Callback callback) {
                receive(request, response, callback);
                return true;
            }
        });
        jetty.setStopTimeout(2000);
        try {
            jetty.start();
        } catch (Exception e) {
            close();
            Throwable cause = e instanceof IOException && e.getCause() instanceof BindException be ? be : e;
            if (cause instanceof BindException || e instanceof BindException) {
                throw new FoveaException("cannot listen on " + config.host() + ":" + config.port() + " (" + cause.getMessage() + "); pick another ServerConfig.port or ServerConfig.host");
            }
            throw new FoveaException("cannot start the HTTP server on " + config.host() + ":" + config.port() + ": " + e);
        }
    }

    /** Starts serving {@code models}; {@code log} receives one line per server-side failure. */
    public static InferenceServer start(List<ServedModel> models, ServerConfig config, Consumer<String> log) {
        if (models.isEmpty()) throw new FoveaException("server: no model to serve");
        return new InferenceServer(models, config, log);
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

    public InetSocketAddress address() {
        try {
            return new InetSocketAddress(InetAddress.getByName(config.host()), connector.getLocalPort());
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ServerConfig config() { return config; }

    String metricsText() { return metrics.render(); }

    /**
     * On a Jetty thread: routes the request, then receives its body without blocking; the work
     * starts on a virtual thread once the body is complete (or refused).
     */
    private void receive(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        Route route = null;
        HttpError refused = null;
        try {
            route = Route.of(request.getMethod(), request.getHttpURI().getPath(), models);
        } catch (HttpError e) {
            refused = e;
        }
        Route r = route;
        HttpError ref = refused;
        boolean hasBody = request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (!hasBody) {
            executor.execute(() -> answer(request, response, callback, r, ref, new byte[0], start));
            return;
        }
        if (!uploads.tryAcquire()) {
            HttpError busy = new HttpError(503, "overloaded", "the server is receiving " + config.maxUploads()
                    + " request bodies (the limit); retry shortly", true).because("uploads_full");
            executor.execute(() -> answer(request, response, callback, r, busy, new byte[0], start));
            return;
        }
        boolean keep = ref == null && r.takesBody();
        long left = config.bodyTimeout().toNanos() - (System.nanoTime() - start);
        BodyReader.read(request, config.maxBodyBytes(), keep, left, timer).whenComplete((body, failure) -> {
            uploads.release();
            HttpError error = failure != null ? new HttpError(400, "bad_request", "the request body could not be read", true)
                    : body.error() != null ? body.error() : ref;
            executor.execute(() -> answer(request, response, callback, r, error, failure != null ? new byte[0] : body.bytes(), start));
        });
    }

    /** On a virtual thread: the answer to a request whose body has arrived (or the error it earned). */
    private void answer(Request request, Response response, Callback callback, Route route, HttpError error, byte[] body, long start) {
        String endpoint = route == null ? "unknown" : route.endpoint();
        int status;
        try {
            if (error != null) throw error;
            status = dispatch(request, response, callback, route, body);
        } catch (HttpError e) {
            status = e.status;
            metrics.inc("fovea_rejected_total", route != null && route.model() != null
                    ? Metrics.labels("model", route.model().name, "reason", e.reason) : Metrics.labels("reason", e.reason));
            Exchanges.error(response, callback, e);
        } catch (RuntimeException | Error e) {
            status = 500;
            log.accept("fovea serve: error in " + endpoint + ": " + e);
            Exchanges.error(response, callback, new HttpError(500, "internal", "internal error: " + e.getClass().getSimpleName()));
        }
        metrics.inc("fovea_http_requests_total", Metrics.labels("endpoint", endpoint, "code", Integer.toString(status)));
        metrics.observe("fovea_http_request_duration_seconds", Metrics.labels("endpoint", endpoint), Metrics.SECONDS,
                (System.nanoTime() - start) / 1e9);
    }

    private int dispatch(Request request, Response response, Callback callback, Route r, byte[] body) {
        switch (r.endpoint()) {
            case "page" -> {
                response.getHeaders().put("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data: blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'");
                Exchanges.send(response, callback, 200, "text/html; charset=utf-8", page);
            }
            case "healthz" -> Exchanges.json(response, callback, 200, Map.of("status", "alive"));
            case "readyz" -> {
                boolean ok = ready && models.values().stream().allMatch(m -> m.batcher.alive());
                Exchanges.json(response, callback, ok ? 200 : 503, Map.of("status", ok ? "ready" : "not ready", "models", List.copyOf(models.keySet())));
                return ok ? 200 : 503;
            }
            case "metrics" -> Exchanges.send(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.render().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            case "models" -> {
                List<Object> all = new ArrayList<>();
                for (ServedModel m : models.values()) all.add(m.describe());
                Exchanges.json(response, callback, 200, Map.of("models", all));
            }
            case "model" -> Exchanges.json(response, callback, 200, r.model().describe());
            case "predict", "visualize" -> Exchanges.json(response, callback, 200,
                    predict(request, r.model(), body, r.endpoint().equals("visualize")));
            default -> throw new IllegalStateException("no handler for " + r.endpoint());
        }
        return 200;
    }

    /** The body has arrived: only now is a prediction slot taken, and the time limit starts. */
    private Map<String, Object> predict(Request request, ServedModel m, byte[] body, boolean visualize) {
        long start = System.nanoTime();
        long deadline = start + config.timeout().toNanos();
        if (!inFlight.tryAcquire()) {
            throw HttpError.overloaded("the server is handling " + config.maxInFlight() + " prediction requests (the limit); retry shortly");
        }
        try {
            String query = request.getHttpURI().getQuery();
            int k = Math.min(m.classes(), Route.topK(query, config.topK()));
            InputDecoder.Decoded in = decode(request.getHeaders().get(HttpHeader.CONTENT_TYPE), body, m, deadline);
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
            out.put("output", m.output.description());
            out.put("predictions", predictions);
            if (visualize) {
                int cls = Route.classIndex(query, m, top[0]);
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
        for (Prediction pr : m.output.topK(probs, 0, k)) {
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
        metrics.describe("fovea_rejected_total", "counter", "Requests answered with an error (4xx, 503), by reason; protocol errors as bad_http.");
        metrics.describe("fovea_dropped_examples_total", "counter", "Queued examples dropped unrun because their request had given up, by model.");
        metrics.describe("fovea_inflight_requests", "gauge", "Prediction requests being worked on (their body has arrived).");
        metrics.describe("fovea_uploads_in_progress", "gauge", "Request bodies being received.");
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
        try {
            if (jetty != null) jetty.stop();
        } catch (Exception e) {
            log.accept("fovea serve: stopping the HTTP server: " + e);
        }
        for (ServedModel m : models.values()) m.close();
        executor.close();
        timer.shutdownNow();
    }
}
