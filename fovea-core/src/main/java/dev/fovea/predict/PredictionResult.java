package dev.fovea.predict;

import dev.fovea.train.Prediction;

import java.util.List;

/**
 * What a {@link StreamingPredictor} made of one input: its class probabilities and their top k,
 * or the error that kept the input from being read. Results come in input order.
 *
 * @param index         the input's position in the stream, from 0
 * @param name          the input's name ({@link PredictionInput#name()})
 * @param probabilities (K) class probabilities summing to 1, or null when the input failed
 * @param top           the k most probable classes, best first; empty when the input failed
 * @param error         why the input could not be read (one line, without the name), or null
 */
public record PredictionResult(long index, String name, float[] probabilities, List<Prediction> top, String error) {
    public boolean ok() { return error == null; }
}
