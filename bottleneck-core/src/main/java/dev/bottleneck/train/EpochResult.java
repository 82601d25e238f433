package dev.bottleneck.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * The figures of one finished epoch, as written to {@code metrics.jsonl} (one JSON object per
 * line).
 *
 * @param epoch the epoch number, 1-based
 * @param trainLoss mean training objective over the epoch's minibatches (per value: per pixel
 *     for images; see {@link dev.bottleneck.loss.ReconstructionLoss})
 * @param trainTerms every named loss term, averaged the same way
 * @param testLoss the objective on the test split after the epoch, or {@code null} without one
 * @param testTerms the terms on the test split, or {@code null}
 * @param trainSeconds wall time of the training loop only (no evaluation), seconds
 * @param evalSeconds wall time of the test evaluation, seconds
 * @param samplesPerSecond training examples per second of {@code trainSeconds}
 * @param rssMegabytes resident memory of this process after the epoch, MiB (-1 if unknown)
 * @param metrics training figures that are not part of the loss, from the epoch as a whole: for
 *     discrete codes the perplexity of the epoch's code histogram (not a mean of batch values),
 *     the fraction of codes used, dead codes and codebook resets ({@link
 *     dev.bottleneck.latent.CodeUsage}); {@code null} when the model has none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochResult(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("train_loss") double trainLoss,
        @JsonProperty("train_terms") Map<String, Double> trainTerms,
        @JsonProperty("test_loss") Double testLoss,
        @JsonProperty("test_terms") Map<String, Double> testTerms,
        @JsonProperty("train_seconds") double trainSeconds,
        @JsonProperty("eval_seconds") double evalSeconds,
        @JsonProperty("samples_per_second") double samplesPerSecond,
        @JsonProperty("rss_mb") double rssMegabytes,
        @JsonProperty("metrics") Map<String, Double> metrics) {

    /**
     * An epoch without extra metrics (see the canonical constructor for the fields).
     *
     * @param epoch epoch number
     * @param trainLoss mean training objective
     * @param trainTerms training loss terms
     * @param testLoss test objective or null
     * @param testTerms test terms or null
     * @param trainSeconds training seconds
     * @param evalSeconds evaluation seconds
     * @param samplesPerSecond training examples per second
     * @param rssMegabytes resident memory, MiB
     */
    public EpochResult(int epoch, double trainLoss, Map<String, Double> trainTerms, Double testLoss, Map<String, Double> testTerms,
                       double trainSeconds, double evalSeconds, double samplesPerSecond, double rssMegabytes) {
        this(epoch, trainLoss, trainTerms, testLoss, testTerms, trainSeconds, evalSeconds, samplesPerSecond, rssMegabytes, null);
    }
}
