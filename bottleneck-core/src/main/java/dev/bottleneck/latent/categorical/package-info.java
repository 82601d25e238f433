/**
 * Categorical (one-hot) codes with the Gumbel-softmax relaxation: {@link
 * dev.bottleneck.latent.categorical.GumbelSoftmaxLatent}, its {@link
 * dev.bottleneck.latent.categorical.CategoricalConfig} and {@link
 * dev.bottleneck.latent.categorical.TemperatureSchedule}.
 */
package dev.bottleneck.latent.categorical;
