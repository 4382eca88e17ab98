package dev.fovea.cli;

import dev.fovea.data.DataSource;
import dev.fovea.data.Dataset;
import dev.fovea.data.TrainTest;
import dev.fovea.nn.Model;
import dev.fovea.optim.Optimizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a trained model came from, stored in its model.json: enough to reproduce the run. */
final class Provenance {
    private Provenance() {}

    static Map<String, Object> of(long seed, DataSource source, TrainTest tt, Model m, Optimizer opt, int epochs, int batchSize) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        p.put("fovea_version", Version.fovea());
        p.put("jdk", Runtime.version().toString() + " (" + System.getProperty("java.vendor") + ")");
        p.put("seed", seed);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", source.description());
        data.put("train_examples", tt.train().size());
        data.put("test_examples", tt.test().size());
        data.put("train_sha256", fingerprint(tt.train()));
        p.put("data", data);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("optimizer", Map.of("class_name", opt.className(), "config", opt.config()));
        training.put("loss", "sparse_categorical_crossentropy");
        training.put("epochs", epochs);
        training.put("batch_size", batchSize);
        p.put("training", training);
        return p;
    }

    /** SHA-256 over the labels and the float32 pixels (little-endian), so the exact data is identifiable. */
    static String fingerprint(Dataset d) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            int[] labels = d.labels();
            for (int i = 0; i < labels.length; i++) {
                if (buf.remaining() < 4) flush(md, buf);
                buf.putInt(labels[i]);
            }
            float[] pixels = d.images().data();
            for (int i = 0; i < pixels.length; i++) {
                if (buf.remaining() < 4) flush(md, buf);
                buf.putFloat(pixels[i]);
            }
            flush(md, buf);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static void flush(MessageDigest md, ByteBuffer buf) {
        md.update(buf.flip());
        buf.clear();
    }
}
