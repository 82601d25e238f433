package dev.bottleneck.sample;

/**
 * A distribution over latent codes to decode into new examples: the decoder as a generator. A
 * VAE samples its prior; a plain autoencoder has none, so a density is fitted to its training
 * codes ({@link GaussianSampler}, {@link GaussianMixtureSampler}). Samplers are separate from
 * models (as pythae's {@code samplers/}): they take codes, not a model, and never touch weights.
 *
 * <p>Codes are row-major {@code (N, K)} float arrays.
 */
public interface LatentSampler {

    /** @return the sampler as a spec, e.g. {@code "prior"}, {@code "gaussian"}, {@code "gmm:10"} */
    String name();

    /** @return the code size {@code K} */
    int dimension();

    /**
     * Draws codes. The temperature scales the spread around the mean of the (chosen component of
     * the) distribution: {@code z = mean + T * L eps}, {@code eps ~ N(0, I)}; {@code T = 1} samples
     * the distribution itself, {@code T < 1} gives more typical, less varied codes.
     *
     * @param n number of codes, {@code >= 0}
     * @param temperature {@code T >= 0}
     * @param seed seeds the draw
     * @return {@code (n, K)}
     */
    float[] sample(int n, double temperature, long seed);

    /**
     * The log density under this distribution.
     *
     * @param codes {@code (N, K)}
     * @return {@code (N)} log densities, nats
     */
    double[] logDensity(float[] codes);
}
