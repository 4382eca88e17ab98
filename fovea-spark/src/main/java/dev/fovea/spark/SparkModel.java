package dev.fovea.spark;

import dev.fovea.FoveaException;
import dev.fovea.io.ModelFile;
import dev.fovea.model.Model;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A trained model as the executors see it: shipped once per executor, loaded once there, and
 * cached for every task that follows.
 *
 * <p>Two ways to ship: {@link #broadcast} sends the {@code .fovea} file's bytes through Spark's
 * broadcast (torrent) mechanism, so each executor fetches them once, whatever the number of
 * tasks; {@link #sharedPath} names a file every executor can read (a shared file system), and
 * nothing is sent at all. Either way the executor keeps the loaded model in a process-wide cache
 * keyed by the file's SHA-256, so a job of a thousand tasks loads it once per JVM.
 */
public final class SparkModel implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Executor-side cache: file digest -> loaded model (one per JVM). */
    private static final ConcurrentHashMap<String, Model> LOADED = new ConcurrentHashMap<>();

    private final String digest;
    private final Broadcast<byte[]> bytes;   // null when shipped by path
    private final String path;               // null when broadcast

    private SparkModel(String digest, Broadcast<byte[]> bytes, String path) {
        this.digest = digest;
        this.bytes = bytes;
        this.path = path;
    }

    /** Broadcasts the model file at {@code file} (read once here, on the driver). */
    public static SparkModel broadcast(SparkSession spark, Path file) {
        byte[] data = readAll(file);
        Model model = loadBytes(file.toString(), data);   // fail on the driver, not in a thousand tasks
        String digest = sha256(data);
        LOADED.putIfAbsent(digest, model);
        Broadcast<byte[]> b = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(data);
        return new SparkModel(digest, b, null);
    }

    /** A model file that every executor can read at {@code file} (checked here, on the driver). */
    public static SparkModel sharedPath(Path file) {
        byte[] data = readAll(file);
        loadBytes(file.toString(), data);
        return new SparkModel(sha256(data), null, file.toAbsolutePath().toString());
    }

    /** The model, loaded on first use in this JVM and shared by every later task. */
    public Model get() {
        return LOADED.computeIfAbsent(digest, d -> {
            byte[] data = bytes != null ? bytes.value() : readAll(Path.of(path));
            if (!sha256(data).equals(d)) {
                throw new FoveaException((path != null ? path : "broadcast model") + ": file changed since the job was planned (SHA-256 differs)");
            }
            return loadBytes(path != null ? path : "broadcast model", data);
        });
    }

    /** The SHA-256 of the model file, hex: identifies the model in provenance and caches. */
    public String digest() { return digest; }

    private static Model loadBytes(String name, byte[] data) {
        // The model file reader works on files (zip central directory, size checks); a private
        // temporary copy keeps that one strict path for bytes from the network too.
        try {
            Path tmp = Files.createTempFile("fovea-spark-", ".fovea");
            try {
                Files.write(tmp, data);
                return ModelFile.load(tmp).model();
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new FoveaException(name + ": cannot stage the model file for loading (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read the model file (" + e.getMessage() + ")", e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
