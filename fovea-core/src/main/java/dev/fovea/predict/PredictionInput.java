package dev.fovea.predict;

import dev.fovea.FoveaException;

/**
 * One example for a {@link StreamingPredictor}: a name that identifies it in results and messages
 * (a file path, a record key) and a way to write its values. Reading happens on the predictor's
 * background reader threads, so it may do slow work (open and decode a file); an input that cannot
 * be read throws, and becomes a result carrying that error instead of stopping the stream.
 */
public interface PredictionInput {
    /** The example's name, e.g. the path of its file. */
    String name();

    /**
     * Writes the example, the model's input shape channels last ({@code inputShape().size()}
     * values), into dst from off. Throws a {@link FoveaException} with a one-line message when
     * the example cannot be read (a corrupt file, say).
     */
    void read(float[] dst, int off);

    /** An example already in memory: values (the model's input shape, channels last) copied at read time. */
    static PredictionInput of(String name, float[] values) {
        return new PredictionInput() {
            @Override public String name() { return name; }

            @Override public void read(float[] dst, int off) {
                System.arraycopy(values, 0, dst, off, values.length);
            }
        };
    }
}
