package dev.fovea.cli;

import dev.fovea.data.DataSource;
import dev.fovea.data.Dataset;
import dev.fovea.data.pipeline.StreamingData;
import dev.fovea.train.Batch;
import dev.fovea.train.BatchIterator;
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

    static Map<String, Object> of(long seed, DataSource source, StreamingData train, Dataset test, Optimizer opt, int epochs, int batchSize) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        p.put("fovea_version", Version.fovea());
        p.put("jdk", Runtime.version().toString() + " (" + System.getProperty("java.vendor") + ")");
        p.put("seed", seed);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", source.description());
        data.put("train_examples", train.size());
        data.put("test_examples", test.size());
        data.put("train_sha256", fingerprint(train));
        p.put("data", data);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("optimizer", Map.of("class_name", opt.className(), "config", opt.config()));
        training.put("loss", "sparse_categorical_crossentropy");
        training.put("epochs", epochs);
        training.put("batch_size", batchSize);
        p.put("training", training);
        return p;
    }

    /**
     * SHA-256 over the labels and then the float32 pixels (little-endian) of every training
     * example in index order, without augmentation, so the exact data is identifiable. The pixels
     * stream batch by batch: the training set is never held whole as floats.
     */
    static String fingerprint(StreamingData train) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (int label : train.labels()) {
                if (buf.remaining() < 4) flush(md, buf);
                buf.putInt(label);
            }
            try (BatchIterator it = train.withoutAugmentation().batches(0, 0, 256, false, 0)) {
                for (Batch b = it.next(); b != null; b = it.next()) {
                    float[] pixels = b.images().data();
                    for (int i = 0, n = b.images().size(); i < n; i++) {
                        if (buf.remaining() < 4) flush(md, buf);
                        buf.putFloat(pixels[i]);
                    }
                }
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
