package dev.bottleneck.latent;

import ai.djl.ndarray.NDArray;

/**
 * A latent layer whose code is made of integers: bits, categories, codebook indices. Besides the
 * float code {@code z} the decoder reads, it gives the integer indices behind it ({@link #codes})
 * and turns saved indices back into {@code z} ({@link #embed}), so {@code encode} can write
 * integer codes and {@code decode} read them. It owns its health metrics ({@link #usage()}).
 *
 * <p>Invariant: {@code embed(codes(h))} equals {@link #code code(h)} (the evaluation code) for
 * every encoder output {@code h}, up to the continuous part of a layer that has one.
 *
 * <p>Shapes of the indices, per layer: binary {@code (N, K)} bits; categorical {@code (N, G)}
 * categories of {@code G} groups; VQ and FSQ {@code (N, M)} for a flat encoder output read as
 * {@code M} vectors, {@code (N, H', W')} for a conv encoder's grid. Always {@link
 * ai.djl.ndarray.types.DataType#INT64}.
 */
public interface DiscreteLatent extends LatentLayer {

    /**
     * The integer code of a batch (deterministic: the evaluation code, no sampling).
     *
     * @param encoderOutput the encoder output, as for {@link #forward}
     * @return INT64 indices in {@code [0, codebookSize())}, shape per layer (see the class comment)
     */
    NDArray codes(NDArray encoderOutput);

    /**
     * The code the decoder reads for given integer indices: a decoder can run on saved codes.
     *
     * @param codes integer indices, the shape {@link #codes} gives (any integer type; floats are
     *     accepted only when every value is a whole number)
     * @return {@code z}, the shape of {@link #code}, float32 unless the layer's parameters are
     *     float64
     * @throws dev.bottleneck.InvalidInputException if an index is out of range ({@code "code 600
     *     is out of range for a codebook of 512"}), not a whole number, or the shape does not fit
     */
    NDArray embed(NDArray codes);

    /**
     * @return the number of values one index takes: 2 for a bit, {@code C} for a category,
     *     {@code K} for a VQ codebook, the product of the levels for FSQ
     */
    long codebookSize();

    /**
     * An empty accumulator shaped for this layer's codes, to measure usage over a test set: {@code
     * u.add(layer.codes(h))} per batch.
     *
     * @return a new accumulator
     */
    CodeUsage newUsage();

    /**
     * The layer's own accumulator: every training forward pass adds its codes, {@link
     * #beginEpoch} clears it, so between two epochs it holds the finished epoch's histogram,
     * perplexity, usage and resets.
     *
     * @return the live accumulator (not a copy)
     */
    CodeUsage usage();
}
