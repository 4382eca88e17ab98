package dev.fovea.nn;

import dev.fovea.tensor.Buffer;
import dev.fovea.tensor.Parallel;
import dev.fovea.tensor.Shape;
import dev.fovea.tensor.Tensor;

import java.util.List;
import java.util.Set;

/**
 * Inference of a batch with the convolutional front of a chain model run a few images at a time.
 *
 * <p>Why: layer by layer over a whole batch, every activation goes out to main memory and comes
 * back (W2's first convolution writes 7.4 MB for 64 images, which its max pooling then reads).
 * A chunk of images small enough that its largest activation stays in the L2 cache runs through
 * the front while its data are still there. The layers after the front (Dense) read large weight
 * matrices, which pay off only over many rows, so they run once on the whole batch.
 *
 * <p>Applies to chains (each node reads the one before) whose front is made of layers that treat
 * each example on its own at inference; anything else runs the ordinary forward pass.
 */
final class ChunkedInference {
    /** Target size of a chunk's largest activation: well inside a 1-2 MiB L2. */
    static final long CHUNK_BYTES = 512 << 10;

    /** Layers that compute each example independently of the others at inference. */
    private static final Set<Class<? extends Layer>> PER_EXAMPLE = Set.of(
            Conv2D.class, MaxPool2D.class, AveragePooling2D.class,
            ActivationLayer.class, BatchNormalization.class, Dropout.class, Flatten.class, ZeroPadding2D.class,
            Rescaling.class, Normalization.class, RandomFlip.class, RandomTranslation.class, RandomRotation.class,
            RandomZoom.class, RandomErasing.class, LocalResponseNormalization.class, GlobalPooling2D.class);

    private final Graph model;
    private final int frontEnd;       // nodes [0, frontEnd) run chunk by chunk
    private final int chunk;          // images per chunk

    /** Per-call buffers, in the calling thread's {@link Workspace}. */
    private static final class Scratch {
        final Buffer input = new Buffer();   // (chunk, ...input)
        final Buffer front = new Buffer();   // (batch, ...front output)
    }

    private ChunkedInference(Graph model, int frontEnd, int chunk) {
        this.model = model;
        this.frontEnd = frontEnd;
        this.chunk = chunk;
    }

    /** The plan for a built model, or null when chunking does not apply (not a chain, no convolution in front). */
    static ChunkedInference plan(Graph model) {
        List<Graph.Node> nodes = model.nodes();
        int end = 0;
        boolean convolves = false;
        long widest = model.inputShape().size();
        while (end < nodes.size()) {
            Graph.Node node = nodes.get(end);
            int[] in = node.inputs();
            boolean chained = in.length == 1 && in[0] == end - 1;   // node 0 reads MODEL_INPUT = -1
            if (!chained || !PER_EXAMPLE.contains(node.layer().getClass())) break;
            convolves |= node.layer() instanceof ConvolutionKernel;
            widest = Math.max(widest, node.layer().outputShape().size());
            end++;
        }
        for (int i = end; i < nodes.size(); i++) {
            int[] in = nodes.get(i).inputs();
            if (in.length != 1 || in[0] != i - 1) return null;   // the rest must be a chain too
        }
        if (!convolves) return null;
        return new ChunkedInference(model, end, (int) Math.max(1, CHUNK_BYTES / (4 * widest)));
    }

    /** The model's output for x (N, ...input), owned by the model as forward's is. */
    Tensor run(Tensor x) {
        int n = x.dim(0);
        // One worker only: with two, every layer of every chunk costs a fork and a join, and a
        // chunk's images split over two cores each with its own L2; measured in-process,
        // alternating (fovea bench machine, quiet), chunks gave W1 -4% and W2 -2% at two threads
        // against +5% and +8% at one, so several workers run the whole batch layer by layer.
        if (n <= chunk || Parallel.threads() > 1) return model.forward(x, ForwardContext.INFERENCE);
        Shape inShape = model.inputShape();
        Shape frontShape = model.nodes().get(frontEnd - 1).layer().outputShape();
        int inSize = inShape.size(), frontSize = frontShape.size();
        Scratch s = Workspace.current().state(this, Scratch::new);
        Tensor all = s.front.get(n, frontShape);
        for (int from = 0; from < n; from += chunk) {
            int count = Math.min(chunk, n - from);
            Tensor part = s.input.get(count, inShape);
            System.arraycopy(x.data(), from * inSize, part.data(), 0, count * inSize);
            Tensor out = model.forwardNodes(part, 0, frontEnd, ForwardContext.INFERENCE);
            System.arraycopy(out.data(), 0, all.data(), from * frontSize, count * frontSize);
        }
        return frontEnd == model.nodes().size() ? all : model.forwardNodes(all, frontEnd, model.nodes().size(), ForwardContext.INFERENCE);
    }
}
