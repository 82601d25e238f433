package dev.bottleneck.latent;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * What a latent layer returns for one batch.
 *
 * @param z the code passed to the decoder, {@code (N, K)} (a VQ or FSQ layer on a conv encoder
 *     gives a grid {@code (N, D, H', W')})
 * @param lossTerms named scalar terms this layer adds to the loss (already weighted), e.g. {@code
 *     "kl"}; empty for a deterministic code
 * @param metrics named scalar health metrics of this batch that are <em>not</em> part of the loss
 *     (a quantizer's {@code "perplexity"}, {@code "codes_used_fraction"}, a Gumbel-softmax's
 *     {@code "temperature"}); empty when the layer has none. They carry no gradient. Epoch values
 *     come from the layer's own accumulator ({@link DiscreteLatent#usage()}), not from averaging
 *     these.
 */
public record LatentOutput(NDArray z, Map<String, NDArray> lossTerms, Map<String, NDArray> metrics) {

    /**
     * @param z the code, see the record
     * @param lossTerms the loss terms, see the record
     * @param metrics the metrics, see the record; {@code null} is taken as none
     */
    public LatentOutput {
        lossTerms = lossTerms == null ? Map.of() : lossTerms;
        metrics = metrics == null ? Map.of() : metrics;
    }

    /**
     * An output without metrics (the deterministic and Gaussian layers).
     *
     * @param z the code passed to the decoder
     * @param lossTerms named scalar loss terms, already weighted
     */
    public LatentOutput(NDArray z, Map<String, NDArray> lossTerms) {
        this(z, lossTerms, Map.of());
    }
}
