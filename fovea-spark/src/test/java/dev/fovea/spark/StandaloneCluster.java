package dev.fovea.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on 127.0.0.1: one Master and {@code workers} Workers, each a
 * separate JVM started from the Spark jars already on the test classpath (nothing downloaded),
 * with the JDK running the tests. Executors are launched by the Workers, as in production.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final String LOCALHOST = "127.0.0.1";

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    final int masterPort;

    private StandaloneCluster(Path dir) {
        this.dir = dir;
        this.masterPort = freePort();
    }

    /** Starts the Master, waits until it listens, then starts the Workers (one core, {@code memory} each). */
    static StandaloneCluster start(Path dir, int workers, String memory) {
        StandaloneCluster c = new StandaloneCluster(dir);
        try {
            c.launch("master", "org.apache.spark.deploy.master.Master",
                    "--host", LOCALHOST, "--port", Integer.toString(c.masterPort), "--webui-port", Integer.toString(freePort()));
            c.awaitListening(c.masterPort, 90);
            for (int i = 0; i < workers; i++) {
                Path work = Files.createDirectories(dir.resolve("worker" + i));
                c.launch("worker" + i, "org.apache.spark.deploy.worker.Worker",
                        "--host", LOCALHOST, "--port", Integer.toString(freePort()), "--webui-port", Integer.toString(freePort()),
                        "--cores", "1", "--memory", memory, "--work-dir", work.toString(), c.masterUrl());
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    String masterUrl() {
        return "spark://" + LOCALHOST + ":" + masterPort;
    }

    /** The test JVM's classpath: Spark's jars, Fovea's classes and the test classes. */
    static String classPath() {
        return System.getProperty("java.class.path");
    }

    /**
     * The JVM options Spark needs on Java 17+ (the test JVM's {@code --add-opens} list, set in the
     * pom) and the Vector API module Fovea's fast kernels use.
     */
    static List<String> jvmOptions() {
        List<String> opts = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports") || a.equals("-XX:+IgnoreUnrecognizedVMOptions")
                        || a.startsWith("-Djdk.reflect.useDirectMethodHandle") || a.startsWith("-Dio.netty.tryReflectionSetAccessible"))
                .collect(Collectors.toCollection(ArrayList::new));
        opts.add("--add-modules=jdk.incubator.vector");
        return opts;
    }

    private void launch(String name, String mainClass, String... args) throws IOException {
        Path javaBin = Path.of(ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("cannot tell which java runs the tests")));
        Path javaHome = javaBin.getParent().getParent();
        // Workers build executor class paths the way spark-class does: from SPARK_HOME/jars (left
        // empty here) plus spark.executor.extraClassPath, which the test sets to its own classpath.
        Path sparkHome = Files.createDirectories(dir.resolve("spark-home"));
        Files.createDirectories(sparkHome.resolve("jars"));
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin.toString());
        cmd.addAll(jvmOptions());
        cmd.addAll(List.of("-Xmx256m", "-cp", classPath(), mainClass));
        cmd.addAll(List.of(args));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", javaHome.toString());
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", LOCALHOST);
        env.remove("SPARK_CONF_DIR");
        env.remove("HADOOP_CONF_DIR");
        env.remove("SPARK_DIST_CLASSPATH");
        logs.add(log);
        processes.add(pb.start());
    }

    private void awaitListening(int port, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) throw new IllegalStateException("a cluster process exited early (code " + p.exitValue() + ")\n" + logTails());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(LOCALHOST, port), 500);
                return;
            } catch (IOException notYet) {
                sleep(250);
            }
        }
        throw new IllegalStateException("the Spark master did not listen on port " + port + " within " + seconds + " s\n" + logTails());
    }

    /** The last lines of every process's log and of the executors' stderr: what a failure message needs. */
    String logTails() {
        StringBuilder sb = new StringBuilder();
        List<Path> files = new ArrayList<>(logs);
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> p.getFileName().toString().equals("stderr")).forEach(files::add);
        } catch (IOException ignored) {
            // best effort: the logs already listed are enough
        }
        for (Path f : files) {
            try {
                List<String> lines = Files.readAllLines(f);
                sb.append("--- ").append(dir.relativize(f)).append('\n');
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> sb.append(l).append('\n'));
            } catch (IOException | UncheckedIOException ignored) {
                sb.append("--- ").append(f).append(": unreadable\n");
            }
        }
        return sb.toString();
    }

    /** Stops every process this cluster started and their children (the executors), workers first. */
    @Override
    public void close() {
        List<Process> reversed = new ArrayList<>(processes);
        java.util.Collections.reverse(reversed);
        for (Process p : reversed) {
            List<ProcessHandle> children = p.descendants().toList();
            p.destroy();
            children.forEach(ProcessHandle::destroy);
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(LOCALHOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
    }
}
