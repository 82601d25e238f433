/**
 * Vector quantization (VQ-VAE): {@link dev.bottleneck.latent.vq.VectorQuantizer}, its options
 * {@link dev.bottleneck.latent.vq.VqConfig}, the {@link dev.bottleneck.latent.vq.Distance}
 * strategies and the {@link dev.bottleneck.latent.vq.CodebookBlock} holding the codebook.
 */
package dev.bottleneck.latent.vq;
