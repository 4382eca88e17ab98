package dev.fovea.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.Map;

/** ONNX Runtime for Java (test scope only): the independent runtime exported models are checked against. */
final class Ort implements AutoCloseable {
    /** Intra-op threads of new sessions (default: every core). */
    static int threads = Runtime.getRuntime().availableProcessors();

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    Ort(byte[] model) {
        this(model, true);
    }

    /** optimize false turns off ORT's graph rewrites (to tell their effects from the model's). */
    Ort(byte[] model, boolean optimize) {
        try {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            if (!optimize) o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            o.setIntraOpNumThreads(Math.max(1, threads));
            session = env.createSession(model, o);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime refused the model: " + e.getMessage(), e);
        }
    }

    String inputName() {
        return session.getInputNames().iterator().next();
    }

    /** Runs on one float input (ONNX layout); returns the first output's values. */
    float[] run(float[] data, int[] dims) {
        long[] shape = new long[dims.length];
        for (int i = 0; i < dims.length; i++) shape[i] = dims[i];
        try (ai.onnxruntime.OnnxTensor t = ai.onnxruntime.OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
             OrtSession.Result r = session.run(Map.of(inputName(), t))) {
            FloatBuffer b = ((ai.onnxruntime.OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override public void close() throws OrtException {
        session.close();
    }
}
