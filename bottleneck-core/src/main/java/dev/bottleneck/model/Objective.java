package dev.bottleneck.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;

/**
 * A training objective that replaces the autoencoder's default one (reconstruction loss plus the
 * latent layer's terms plus a penalty), for models whose loss is not a reconstruction error: the
 * variational autoencoder's negative ELBO or importance-weighted bound. The model registry gives a
 * model type its objective; the trainer does not know about it, it calls {@link
 * Autoencoder#forward} and {@link Autoencoder#beginEpoch} as for every model.
 */
public interface Objective {

    /**
     * One pass: encode, sample, decode and compute the loss with its named terms.
     *
     * @param model the model, for its encoder, decoder and decoder likelihood
     * @param input what the encoder sees, {@code (N, ...inputShape)}, model scale
     * @param target what the decoder's distribution is evaluated on, same shape
     * @param training whether this is a training pass
     * @return the loss (the scalar that is minimised), its terms, a code and a decoder output
     */
    ForwardOutput forward(Autoencoder model, NDArray input, NDArray target, boolean training);

    /**
     * The per-epoch hook for schedules (KL warm-up): called by the trainer before each epoch.
     *
     * @param epoch the epoch about to run, 1-based
     */
    default void beginEpoch(int epoch) {}

    /**
     * @return a block holding the objective's own parameters (a learned decoder variance), or
     *     {@code null} when it has none
     */
    default Block parameterBlock() {
        return null;
    }
}
