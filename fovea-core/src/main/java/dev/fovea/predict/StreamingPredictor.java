package dev.fovea.predict;

import dev.fovea.nn.Graph;

import java.util.Iterator;

/**
 * Predictions over a stream of inputs of any length in bounded memory: background reader threads
 * read (decode) inputs into a small ring of batch buffers while the calling thread runs the model
 * on the previous batch, and results come back in input order, batch by batch.
 *
 * <pre>{@code
 * StreamingPredictor predictor = new StreamingPredictor(model).batchSize(32).topK(5);
 * try (PredictionStream results = predictor.predict(inputs)) {     // inputs: Iterator<PredictionInput>
 *     for (List<PredictionResult> batch; (batch = results.nextBatch()) != null; ) {
 *         for (PredictionResult r : batch) ...                          // r.top(), r.probabilities(), r.error()
 *     }
 * }
 * }</pre>
 *
 * <p>Memory is {@code (readers + 1)} batches of inputs plus the model's activations for one batch,
 * whatever the number of inputs: the input iterator is pulled only as buffers free up, so it can
 * be lazy (a directory walk, a Spark partition, a socket). An input whose read throws becomes a
 * result with that error; the stream goes on. The stream is also an {@code Iterator} of results,
 * which is the shape of Spark's {@code mapPartitions}.
 *
 * <p>Every batch is run at the full batch size (rows past the last input are zeros): the layers
 * then keep one set of buffers, and an example's result does not depend on how many others share
 * its batch. The calling thread owns the model for the stream's life; the model must not run
 * elsewhere meanwhile (its forward pass reuses buffers).
 */
public final class StreamingPredictor {
    /** Activation memory a default batch may take: enough for throughput, small beside a 400 MB process. */
    static final long DEFAULT_BATCH_BYTES = 96L << 20;
    static final int MAX_DEFAULT_BATCH = 256;   // as Predictor: larger batches make the dense layers' products efficient

    private final Graph model;
    private int batchSize;
    private int readers = 1;
    private int topK = 5;

    /** A predictor for model (built, trained); its output is read as class scores, one row per input. */
    public StreamingPredictor(Graph model) {
        if (!model.isBuilt()) throw new IllegalArgumentException("model " + model.name() + " is not built: call build(inputShape)");
        if (model.outputShape().rank() != 1) {
            throw new IllegalArgumentException("model " + model.name() + " outputs " + model.outputShape()
                    + " per example; a predictor needs one vector of class scores");
        }
        this.model = model;
        this.batchSize = defaultBatchSize(model);
    }

    /** Inputs per forward pass (default {@link #defaultBatchSize}). */
    public StreamingPredictor batchSize(int n) {
        if (n < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + n);
        this.batchSize = n;
        return this;
    }

    /** Background threads reading inputs (default 1): more help when decoding is slower than the model. */
    public StreamingPredictor readers(int n) {
        if (n < 1) throw new IllegalArgumentException("readers must be >= 1, got " + n);
        this.readers = n;
        return this;
    }

    /** How many classes each result names, best first (default 5; at most the number of classes). */
    public StreamingPredictor topK(int k) {
        if (k < 1) throw new IllegalArgumentException("topK must be >= 1, got " + k);
        this.topK = k;
        return this;
    }

    public Graph model() { return model; }
    public int batchSize() { return batchSize; }
    public int readers() { return readers; }
    public int topK() { return topK; }

    /**
     * Starts predicting inputs: the readers start pulling at once. Close the stream to stop them
     * early (results not yet taken are dropped).
     */
    public PredictionStream predict(Iterator<? extends PredictionInput> inputs) {
        return new PredictionStream(model, inputs, batchSize, readers, topK);
    }

    /**
     * The batch size that keeps one batch's activations (every node's output, an upper bound:
     * chunked inference keeps fewer) within about {@value #DEFAULT_BATCH_BYTES} bytes, at most
     * {@value #MAX_DEFAULT_BATCH}: 256 for small CNNs on 28x28 images, a few for a MobileNet at 224x224.
     */
    public static int defaultBatchSize(Graph model) {
        long floats = model.inputShape().size();
        for (Graph.Node n : model.nodes()) floats += n.layer().outputShape().size();
        long perExample = Math.max(1, floats * Float.BYTES);
        return (int) Math.max(1, Math.min(MAX_DEFAULT_BATCH, DEFAULT_BATCH_BYTES / perExample));
    }
}
