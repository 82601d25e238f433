package dev.bottleneck.model;

/**
 * What a model type can do, asked by the verbs instead of type names (issue 10, DESIGN.md §1).
 *
 * @param prior the code has a prior to sample new codes from ({@code sample} without a fitted
 *     sampler; a VAE's {@code N(0, I)})
 * @param likelihood the model defines {@code p(x)} through a bound: {@code eval} reports the ELBO
 *     and the importance-sampled {@code -log p(x)}, {@code anomaly fit --score recon-prob} works
 * @param discreteCodes the code is made of integer indices (bits, categories, codebook entries):
 *     {@code encode} can write them as integers and {@code decode} read them back
 */
public record Capabilities(boolean prior, boolean likelihood, boolean discreteCodes) {

    /** A deterministic, continuous code: no prior, no likelihood, no integer codes. */
    public static final Capabilities DETERMINISTIC = new Capabilities(false, false, false);

    /** A code of integers: no prior, no likelihood, integer codes. */
    public static final Capabilities DISCRETE = new Capabilities(false, false, true);
}
