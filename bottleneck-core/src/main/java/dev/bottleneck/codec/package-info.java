/**
 * Lossy compression with a trained autoencoder (issue 11): the entropy coder that turns quantized
 * latent symbols into bytes under the model's probabilities. {@link dev.bottleneck.codec.Rans} is a
 * range asymmetric numeral system coder (Duda 2013; the byte-wise 32-bit variant of Giesen's
 * {@code rans_byte.h}); {@link dev.bottleneck.codec.FrequencyTable} quantizes a probability
 * vector to the integer frequencies it codes with.
 */
package dev.bottleneck.codec;
