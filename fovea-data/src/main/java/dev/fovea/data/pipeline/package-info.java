/**
 * The input pipeline: labelled examples read by index ({@link dev.fovea.data.pipeline.Examples}:
 * tensor rows, 8-bit bytes, decoded image files, optionally cached within a byte budget),
 * split by a seed ({@link dev.fovea.data.pipeline.Split}), and streamed to the trainer as
 * {@link dev.fovea.train.TrainingData} by {@link dev.fovea.data.pipeline.StreamingData}.
 *
 * <p>Design choices, and why:
 * <ul>
 *   <li>Determinism first. The epoch order is InMemoryData's permutation of (seed, epoch), and
 *       per-example randomness comes from counter-based keys of (seed, epoch, example index), so
 *       neither threads nor prefetch depth nor batch position changes a single value, a resumed
 *       run is exact, and training from a pipeline is bit-identical to training from tensors.</li>
 *   <li>Whole batches per task. A worker fills one batch at a time into a slot of a ring of
 *       prefetch + 1 reused buffers; the consumer gets them in order. On the 2-core machines
 *       Fovea targets, training already uses every core, so one worker (the default up to four
 *       cores) hides decoding behind the training step rather than competing with it.</li>
 *   <li>Augmentation can run in either place. The layers in {@code dev.fovea.nn} (RandomFlip,
 *       RandomTranslation, ...) are also {@link dev.fovea.nn.ExampleTransform}s: inside the model
 *       they use the trainer's generator, run on the training threads and are saved with the
 *       model; given to the pipeline they run on its workers. Decode-time work (size, crop,
 *       colour) is done while decoding, see {@code dev.fovea.data.ImageOptions}.</li>
 * </ul>
 */
package dev.fovea.data.pipeline;
