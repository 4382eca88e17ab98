package dev.fovea.train;

/** One class of a prediction: its index, its name (or the index as text) and its probability. */
public record Prediction(int classIndex, String label, double probability) {
    /** "label 0.9123": the name and the probability, as a person reads a prediction. */
    @Override public String toString() {
        return label + " " + String.format(java.util.Locale.ROOT, "%.4f", probability);
    }
}
