package dev.fovea.train;

/** One class of a prediction: its index, its name (or the index as text) and its probability. */
public record Prediction(int classIndex, String label, double probability) {}
