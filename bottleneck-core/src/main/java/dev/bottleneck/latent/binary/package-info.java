/** Binary codes: {@link dev.bottleneck.latent.binary.BinaryLatent}, K Bernoulli bits (semantic hashing). */
package dev.bottleneck.latent.binary;
