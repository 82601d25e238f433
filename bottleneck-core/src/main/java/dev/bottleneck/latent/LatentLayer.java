package dev.bottleneck.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;

/**
 * The bottleneck between encoder and decoder: turns the encoder's output {@code (N, E)} into the
 * code {@code z (N, K)} the decoder reads, and may add loss terms (a KL divergence, a commitment
 * loss). Variants of the autoencoder differ here (deterministic, Gaussian, binary, categorical,
 * vector-quantized), not in the training loop.
 *
 * <p>Layers whose code is made of integers implement {@link DiscreteLatent} as well. The hooks
 * {@link #beginEpoch} and {@link #afterStep} let a layer follow a schedule or update state that is
 * not learned by gradient; both default to nothing, so a layer without state ignores them.
 */
public interface LatentLayer {

    /** @return a short name for configs and reports, e.g. {@code "deterministic"} */
    String name();

    /**
     * @param latent the code size {@code K}
     * @return the encoder output width {@code E} this layer needs, e.g. {@code K} or {@code 2K}
     */
    int encoderOutputSize(int latent);

    /**
     * The training/evaluation pass.
     *
     * @param encoderOutput {@code (N, E)}
     * @param training whether this is a training pass (stochastic layers sample only then)
     * @return the code {@code (N, K)} and any loss terms
     */
    LatentOutput forward(NDArray encoderOutput, boolean training);

    /**
     * The deterministic code used by {@code encode}: the mean of a Gaussian, the nearest codebook
     * vector, or the code itself.
     *
     * @param encoderOutput {@code (N, E)}
     * @return the code {@code (N, K)}
     */
    NDArray code(NDArray encoderOutput);

    /**
     * @return a DJL block holding this layer's parameters (a codebook), or {@code null} when it has
     *     none
     */
    default Block parameterBlock() {
        return null;
    }

    /**
     * @return whether this layer reads a conv encoder's grid {@code (N, D, H', W')} (one vector
     *     per position), as {@code --arch conv-grid} gives; {@code false} by default (flat codes
     *     {@code (N, E)} only)
     */
    default boolean readsGrids() {
        return false;
    }

    /**
     * The per-epoch hook, called by the trainer before each training epoch (after a resume too,
     * with the epoch that runs next). Layers with schedules use it (a Gumbel-softmax temperature
     * annealed per epoch); quantizers start a new epoch of their usage accumulator. The default
     * does nothing.
     *
     * @param epoch the epoch about to run, 1-based
     */
    default void beginEpoch(int epoch) {}

    /**
     * The per-step hook, called by the trainer after the optimizer step of each training batch
     * (after every {@code forward(..., true)} whose loss was back-propagated). Layers that change
     * their own state outside the gradient use it: a VQ codebook's exponential-moving-average
     * update and dead-code reset, a temperature annealed per step. Statistics the layer needs are
     * gathered by its training forward passes since the previous call, so the caller passes
     * nothing but the step count. The default does nothing.
     *
     * @param step the number of optimizer steps done so far in this training run, 1-based (a
     *     resumed run continues the count)
     */
    default void afterStep(long step) {}
}
