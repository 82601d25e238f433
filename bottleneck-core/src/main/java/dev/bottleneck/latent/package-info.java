/**
 * Latent layers: what sits between encoder and decoder. A model variant is a latent layer plugged
 * into the same {@link dev.bottleneck.model.Autoencoder}.
 *
 * <p>Continuous codes: {@link dev.bottleneck.latent.DeterministicLatent}, {@link
 * dev.bottleneck.latent.GaussianLatent}. Discrete codes ({@link dev.bottleneck.latent.DiscreteLatent},
 * one package each): {@code binary} (Bernoulli bits), {@code categorical} (Gumbel-softmax one-hot),
 * {@code vq} (vector-quantized codebook), {@code fsq} (finite scalar quantization). Their health
 * metrics are kept apart from the loss in {@link dev.bottleneck.latent.CodeUsage}.
 */
package dev.bottleneck.latent;
