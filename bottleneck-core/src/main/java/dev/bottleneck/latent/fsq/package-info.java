/**
 * Finite scalar quantization: {@link dev.bottleneck.latent.fsq.FiniteScalarQuantizer} with its
 * {@link dev.bottleneck.latent.fsq.FsqConfig} level sets.
 */
package dev.bottleneck.latent.fsq;
