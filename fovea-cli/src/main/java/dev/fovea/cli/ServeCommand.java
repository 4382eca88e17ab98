package dev.fovea.cli;

import dev.fovea.serve.InferenceServer;
import dev.fovea.serve.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code fovea serve}: the HTTP inference server and its web page. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve trained models over HTTP, with a web page where a person drops, picks or draws an image.",
                "API: POST /v1/models/NAME:predict (a PNG or JPEG body, or {\"tensor\": [...]}), GET /v1/models, /healthz, /readyz, /metrics.",
                "Concurrent requests are micro-batched into one forward pass; models are loaded once, at start-up.",
                "Binds 127.0.0.1 unless --host says otherwise."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "[NAME=]FILE.fovea", description = "A trained model to serve (repeatable; the same as a MODEL argument).")
    List<String> modelOptions = new ArrayList<>();

    @Parameters(arity = "0..*", paramLabel = "MODEL", description = "Trained .fovea files (or Keras .h5/.keras models), each served under"
            + " its file name without extension, or NAME=FILE.fovea to choose the name. Images sent to a model are converted"
            + " to its input (size, colour mode, its normalisation).")
    List<String> modelSpecs = new ArrayList<>();

    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST, paramLabel = "ADDR",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 exposes the server to the network).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--max-batch", paramLabel = "N", description = "Most examples per forward pass; 1 turns micro-batching off (default: 32).")
    Integer maxBatch;

    @Option(names = "--batch-delay-ms", paramLabel = "MS", description = "How long a batch waits for more requests once it has one (default: 2).")
    Integer batchDelayMs;

    @Option(names = "--queue", paramLabel = "N", description = "Examples that may wait per model; beyond it, 503 at once (default: 64).")
    Integer queue;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Per-request time limit, from the last byte of the body to the answer; past it, 503 (default: 10000).")
    Integer timeoutMs;

    @Option(names = "--max-body-bytes", paramLabel = "N", description = "Larger request bodies get 413 (default: 8388608).")
    Long maxBody;

    @Option(names = "--max-pixels", paramLabel = "N", description = "Larger images get 400, checked from the header before decoding (default: 16000000).")
    Long maxPixels;

    @Option(names = "--max-in-flight", paramLabel = "N", description = "Prediction requests handled at once; beyond it, 503 at once (default: 128).")
    Integer maxInFlight;

    @Option(names = "--body-timeout-ms", paramLabel = "MS", description = "Time from a request's arrival to the last byte of its body; past it, 408 and the connection is closed (default: 30000).")
    Integer bodyTimeoutMs;

    @Option(names = "--idle-timeout-ms", paramLabel = "MS", description = "A connection on which nothing moves this long is closed (default: 30000).")
    Integer idleTimeoutMs;

    @Option(names = "--max-uploads", paramLabel = "N", description = "Request bodies received at once (they hold no inference slot); beyond it, 503 at once (default: 512).")
    Integer maxUploads;

    @Option(names = "--max-connections", paramLabel = "N", description = "Open connections; beyond it, new ones wait to be accepted (default: 1024).")
    Integer maxConnections;

    @Mixin CommonOptions common;

    @Override public Integer call() throws InterruptedException {
        common.apply();
        ServerConfig c = ServerConfig.defaults().withHost(host).withPort(port);
        if (maxBatch != null) c = c.withMaxBatch(maxBatch);
        if (batchDelayMs != null) c = c.withBatchDelay(Duration.ofMillis(batchDelayMs));
        if (queue != null) c = c.withQueueCapacity(queue);
        if (timeoutMs != null) c = c.withTimeout(Duration.ofMillis(timeoutMs));
        if (maxBody != null) c = c.withMaxBodyBytes(maxBody);
        if (maxPixels != null) c = c.withMaxPixels(maxPixels);
        if (maxInFlight != null) c = c.withMaxInFlight(maxInFlight);
        if (bodyTimeoutMs != null) c = c.withBodyTimeout(Duration.ofMillis(bodyTimeoutMs));
        if (idleTimeoutMs != null) c = c.withIdleTimeout(Duration.ofMillis(idleTimeoutMs));
        if (maxUploads != null) c = c.withMaxUploads(maxUploads);
        if (maxConnections != null) c = c.withMaxConnections(maxConnections);
        Map<String, Path> files = new LinkedHashMap<>();
        List<String> specs = new ArrayList<>(modelOptions);
        specs.addAll(modelSpecs);
        if (specs.isEmpty()) throw new CliException("serve needs a model: fovea serve --model FILE.fovea (or fovea serve FILE.fovea)");
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name = eq > 0 ? spec.substring(0, eq) : VisualizeCommand.stem(Path.of(spec));
            Path file = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
            if (KerasCommand.isKerasFile(file.toString())) file = KerasCommand.importedForServing(file);
            if (!file.toString().endsWith(".fovea")) {
                throw new CliException(spec + ": serve takes trained .fovea files (made by fovea train) or Keras .h5/.keras models");
            }
            if (files.put(name, file) != null) throw new CliException("two models would be named \"" + name + "\"; name them with NAME=FILE.fovea");
        }
        var err = common.err();
        InferenceServer server = InferenceServer.start(InferenceServer.load(files), c, line -> {
            err.println(line);
            err.flush();
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "fovea-serve-shutdown"));
        var a = server.address();
        String url = "http://" + (a.getAddress().getHostAddress().contains(":") ? "[" + a.getAddress().getHostAddress() + "]" : a.getAddress().getHostAddress())
                + ":" + a.getPort() + "/";
        common.out().println("fovea: serving " + String.join(", ", files.keySet()) + " at " + url
                + " (max batch " + c.maxBatch() + ", queue " + c.queueCapacity() + ", timeout " + c.timeout().toMillis() + " ms); Ctrl-C stops");
        common.out().flush();
        stopped.await();
        return 0;
    }
}
