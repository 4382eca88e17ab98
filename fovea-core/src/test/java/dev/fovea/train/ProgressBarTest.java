package dev.fovea.train;

import dev.fovea.model.Sequential;
import dev.fovea.nn.Dense;
import dev.fovea.nn.Flatten;
import dev.fovea.optim.Adam;
import dev.fovea.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress bar fits the terminal (no wrapped lines at 80 columns); fit prints it unless verbose is off. */
class ProgressBarTest {
    private static Map<String, Double> logs(boolean validation) {
        Map<String, Double> l = new LinkedHashMap<>();
        l.put("loss", 0.3456);
        l.put("accuracy", 0.8765);
        l.put("lr", 0.001);
        if (validation) {
            l.put("val_loss", 0.4567);
            l.put("val_accuracy", 0.8543);
        }
        return l;
    }

    /** Every line a terminal would show: split at carriage returns and newlines, escape codes removed. */
    private static String[] screenLines(String s) {
        return s.replace("\u001b[K", "").split("[\r\n]");
    }

    @Test
    void liveLinesFitEightyColumns() {
        for (int columns : new int[] {80, 60, 120}) {
            StringWriter w = new StringWriter();
            ProgressBar bar = new ProgressBar(new PrintWriter(w, true), true, 30, columns);
            bar.onTrainBegin(2, 60000, 64);
            bar.onEpochBegin(0);
            for (int seen = 6400; seen <= 60000; seen += 6400) {
                try {
                    Thread.sleep(0, 1);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                bar.onBatchEnd(0, seen, logs(false));
            }
            bar.onEpochEnd(0, logs(true));
            String out = w.toString();
            assertTrue(out.contains("val_accuracy 0.8543"), out);
            for (String line : screenLines(out)) assertTrue(line.length() < columns, columns + " columns: \"" + line + "\" (" + line.length() + ")");
        }
    }

    @Test
    void theBarNarrowsThenGoes() {
        ProgressBar wide = new ProgressBar(new PrintWriter(new StringWriter()), true, 30, 200);
        ProgressBar narrow = new ProgressBar(new PrintWriter(new StringWriter()), true, 30, 50);
        wide.onTrainBegin(1, 100, 10);
        narrow.onTrainBegin(1, 100, 10);
        assertEquals("[==============>...............] 50/100", wide.withBar(50, "50/100"));
        assertTrue(narrow.withBar(50, "x".repeat(36)).startsWith("[====>.....] "), narrow.withBar(50, "x".repeat(36)));
        assertEquals("x".repeat(40), narrow.withBar(50, "x".repeat(40)));
        assertEquals("aaaa bbbb cccc dddd\n  eeee", new ProgressBar(new PrintWriter(new StringWriter()), true, 30, 20).wrap("aaaa bbbb cccc dddd eeee"));
    }

    @Test
    void fitPrintsProgressByDefaultAndNotWhenVerboseIsOff() {
        Sequential m = Sequential.of(new Flatten(), new Dense(2, "softmax"));
        m.build(2, 2, 1);
        m.compile(new Adam(), "sparse_categorical_crossentropy", "accuracy");
        Tensor x = Tensor.zeros(8, 2, 2, 1);
        int[] y = new int[8];
        var err = System.err;
        var captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            m.fit(x, y, FitOptions.epochs(2).batchSize(4));
            String on = captured.toString();
            assertTrue(on.contains("epoch 1/2 8/8") && on.contains("epoch 2/2 8/8") && on.contains("loss"), on);
            captured.reset();
            m.fit(x, y, FitOptions.epochs(2).batchSize(4).verbose(false));
            assertEquals("", captured.toString());
        } finally {
            System.setErr(err);
        }
    }
}
