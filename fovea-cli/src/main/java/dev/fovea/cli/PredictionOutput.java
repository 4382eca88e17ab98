package dev.fovea.cli;

import dev.fovea.json.Json;
import dev.fovea.predict.PredictionResult;
import dev.fovea.train.Prediction;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results table of {@code fovea predict --output}: one row per image, CSV (a header, then
 * path, error, label_1, probability_1, ... label_k, probability_k and, with every probability,
 * one {@code p_<class>} column per class) or JSON Lines (one object per line: path, then top_k
 * or error, and probabilities). Rows are appended as results arrive and flushed after each batch,
 * so an interrupted run leaves every finished batch on disk; {@link #resume} reads such a file
 * back, drops a last line cut short, and tells which images already have a row.
 */
final class PredictionOutput implements AutoCloseable {
    enum Format {
        CSV, JSONL;

        /** From the file name: .csv, or .jsonl / .ndjson; null when it says neither. */
        static Format of(String fileName) {
            String n = fileName.toLowerCase(Locale.ROOT);
            if (n.endsWith(".csv")) return CSV;
            if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) return JSONL;
            return null;
        }
    }

    private static final CSVFormat CSV_FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

    private final Format format;
    private final Writer out;
    private final CSVPrinter csv;          // null for JSONL
    private final List<String> classNames;
    private final int k;                   // top-k columns: min(--top-k, classes)
    private final boolean all;
    private final String where;

    private PredictionOutput(Format format, Writer out, List<String> classNames, int k, boolean all, String where) {
        this.format = format;
        this.out = out;
        this.classNames = classNames;
        this.k = k;
        this.all = all;
        this.where = where;
        try {
            this.csv = format == Format.CSV ? new CSVPrinter(out, CSV_FORMAT) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CSV header for these columns. */
    static List<String> header(List<String> classNames, int k, boolean all) {
        List<String> h = new ArrayList<>(List.of("path", "error"));
        for (int t = 1; t <= k; t++) {
            h.add("label_" + t);
            h.add("probability_" + t);
        }
        if (all) for (String c : classNames) h.add("p_" + c);
        return h;
    }

    /** Rows to standard output (or any writer): never resumed. */
    static PredictionOutput to(PrintWriter w, Format format, List<String> classNames, int k, boolean all) {
        PredictionOutput o = new PredictionOutput(format, w, classNames, k, all, "standard output");
        o.writeHeader();
        return o;
    }

    /** A new file (replacing one there, when replace). */
    static PredictionOutput create(Path file, Format format, List<String> classNames, int k, boolean all, boolean replace) {
        if (!replace && Files.exists(file)) {
            throw new CliException(file + " exists; pass --resume to add the images it lacks, or --overwrite to replace it");
        }
        try {
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            PredictionOutput o = new PredictionOutput(format, w, classNames, k, all, file.toString());
            o.writeHeader();
            o.flush();
            return o;
        } catch (IOException e) {
            throw new CliException(file + ": cannot write (" + e.getMessage() + ")");
        }
    }

    /** What resuming found: the images with a row, and the output to append to. */
    record Resumed(PredictionOutput output, DoneSet done, boolean truncated) {}

    /**
     * Opens file to append to: a last line without its newline (the run was stopped while writing
     * it) is cut off, the rows' paths are collected, and a CSV header must equal the one this run
     * writes. A file that is not there yet is created.
     */
    static Resumed resume(Path file, Format format, List<String> classNames, int k, boolean all) {
        if (!Files.exists(file)) return new Resumed(create(file, format, classNames, k, all, false), new DoneSet(), false);
        try {
            boolean truncated = cutPartialLine(file);
            DoneSet done = new DoneSet();
            boolean empty;
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                empty = format == Format.CSV ? readCsv(file, r, header(classNames, k, all), done) : readJsonl(file, r, done);
            }
            Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            PredictionOutput o = new PredictionOutput(format, w, classNames, k, all, file.toString());
            if (empty) o.writeHeader();
            return new Resumed(o, done, truncated);
        } catch (IOException | UncheckedIOException e) {
            throw new CliException(file + ": cannot resume (" + e.getMessage() + ")");
        }
    }

    /** Truncates file after its last newline; true when there was something after it. */
    private static boolean cutPartialLine(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size(), end = size;
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8192);
            while (end > 0) {
                long from = Math.max(0, end - b.capacity());
                b.clear().limit((int) (end - from));
                ch.read(b, from);
                int last = -1;
                for (int i = b.position() - 1; i >= 0; i--) {
                    if (b.get(i) == '\n') {
                        last = i;
                        break;
                    }
                }
                if (last >= 0) {
                    end = from + last + 1;
                    break;
                }
                end = from;
            }
            if (end == size) return false;
            ch.truncate(end);
            return true;
        }
    }

    /** Reads a CSV results file into done; true when it is empty (no header yet). */
    private static boolean readCsv(Path file, Reader r, List<String> expected, DoneSet done) throws IOException {
        try (CSVParser p = CSV_FORMAT.parse(r)) {
            var it = p.iterator();
            if (!it.hasNext()) return true;
            CSVRecord h = it.next();
            if (!h.toList().equals(expected)) {
                throw new CliException(file + ": its columns " + summary(h.toList()) + " are not this run's " + summary(expected)
                        + "; resume with the same --top-k and --all-probabilities, or write a new --output");
            }
            while (it.hasNext()) done.add(it.next().get(0));
            return false;
        } catch (UncheckedIOException e) {
            throw new CliException(file + ": not a results CSV this command wrote (" + e.getMessage() + ")");
        }
    }

    private static String summary(List<String> cols) {
        return cols.size() <= 8 ? "(" + String.join(",", cols) + ")"
                : "(" + String.join(",", cols.subList(0, 6)) + ", ... " + cols.size() + " columns)";
    }

    private static boolean readJsonl(Path file, Reader r, DoneSet done) throws IOException {
        var br = new java.io.BufferedReader(r);
        String line;
        long n = 0;
        while ((line = br.readLine()) != null) {
            n++;
            if (line.isBlank()) continue;
            done.add(Json.parseObject(line, file + " line " + n).requireString("path"));
        }
        return false;
    }

    private void writeHeader() {
        if (csv == null) return;
        try {
            csv.printRecord(header(classNames, k, all));
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Appends r's row (not flushed: call {@link #flush} after a batch). */
    void write(PredictionResult r) {
        try {
            if (csv != null) csv.printRecord(csvRow(r));
            else {
                out.write(Json.write(jsonRow(r)));
                out.write('\n');
            }
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private List<String> csvRow(PredictionResult r) {
        List<String> row = new ArrayList<>(2 + 2 * k + (all ? classNames.size() : 0));
        row.add(r.name());
        row.add(r.ok() ? "" : r.error());
        for (int t = 0; t < k; t++) {
            Prediction p = t < r.top().size() ? r.top().get(t) : null;
            row.add(p == null ? "" : p.label());
            row.add(p == null ? "" : Float.toString((float) p.probability()));
        }
        if (all) {
            for (int c = 0; c < classNames.size(); c++) row.add(r.ok() ? Float.toString(r.probabilities()[c]) : "");
        }
        return row;
    }

    private Map<String, Object> jsonRow(PredictionResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", r.name());
        if (!r.ok()) {
            m.put("error", r.error());
            return m;
        }
        List<Object> top = new ArrayList<>();
        for (Prediction p : r.top()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("label", p.label());
            e.put("index", p.classIndex());
            e.put("probability", (float) p.probability());
            top.add(e);
        }
        m.put("top_k", top);
        if (all) m.put("probabilities", r.probabilities());
        return m;
    }

    void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private CliException failed(IOException e) {
        return new CliException(where + ": cannot write (" + e.getMessage() + ")");
    }

    @Override public void close() {
        flush();
        if (!(out instanceof PrintWriter)) {
            try {
                out.close();
            } catch (IOException e) {
                throw failed(e);
            }
        }
    }
}
