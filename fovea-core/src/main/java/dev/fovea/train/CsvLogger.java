package dev.fovea.train;

import dev.fovea.FoveaException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes one CSV row per epoch (epoch, then every logged metric), as Keras's CSVLogger. */
public final class CsvLogger implements Callback {
    private final Path file;
    private List<String> columns;

    public CsvLogger(Path file) { this.file = file; }

    @Override public void onTrainBegin(int epochs, int examples, int batchSize) {
        columns = null;
    }

    @Override public void onEpochEnd(int epoch, Map<String, Double> logs) {
        try {
            if (columns == null) {
                columns = new ArrayList<>(logs.keySet());
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                Files.writeString(file, "epoch," + String.join(",", columns) + "\n", StandardCharsets.UTF_8);
            }
            StringBuilder row = new StringBuilder().append(epoch + 1);
            for (String c : columns) {
                Double v = logs.get(c);
                row.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.6g", v));
            }
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND)) {
                w.write(row.append('\n').toString());
            }
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot write the training log (" + e.getMessage() + ")", new UncheckedIOException(e));
        }
    }
}
