package dev.bottleneck.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;

/**
 * How to train: epochs, minibatch size, Adam learning rate, seed, an optional wall-clock
 * budget and optional gradient-norm clipping. Immutable, validated at construction; saved in {@code model.json} under {@code
 * "training"}.
 *
 * @param epochs number of passes over the training set, {@code >= 1}
 * @param batchSize examples per minibatch, {@code >= 1}
 * @param learningRate Adam step size, {@code > 0}
 * @param seed seeds initialisation, shuffling and any noise; same seed and thread count give the
 *     same numbers
 * @param maxMinutes wall-clock budget of the training loop in minutes (training, per-epoch test
 *     evaluation and checkpoints), or {@code null} for none: training stops before an epoch that
 *     would end past the budget, judged by the previous epoch's duration; {@code epochs} stays an
 *     upper bound
 * @param clipNorm the largest global L2 norm of the gradient (all parameters as one vector, as
 *     PyTorch's {@code clip_grad_norm_}): a larger gradient is scaled down to it before the Adam
 *     update; {@code null} for no clipping. Guards training against the loss spikes a rare batch
 *     can cause (seen in codec training on photographs)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainConfig(
        @JsonProperty("epochs") int epochs,
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("seed") long seed,
        @JsonProperty("max_minutes") Double maxMinutes,
        @JsonProperty("clip_norm") Double clipNorm) {

    /**
     * @throws InvalidInputException naming the option that is out of range
     */
    public TrainConfig {
        if (epochs < 1) {
            throw new InvalidInputException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new InvalidInputException("--batch must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new InvalidInputException("--lr must be a positive number, got " + learningRate);
        }
        if (maxMinutes != null && (!(maxMinutes > 0) || maxMinutes.isInfinite())) {
            throw new InvalidInputException("--max-minutes must be a positive number, got " + maxMinutes);
        }
        if (clipNorm != null && (!(clipNorm > 0) || clipNorm.isInfinite())) {
            throw new InvalidInputException("--clip-norm must be a positive number, got " + clipNorm);
        }
    }

    /**
     * A config without gradient clipping.
     *
     * @param epochs number of passes, {@code >= 1}
     * @param batchSize examples per minibatch, {@code >= 1}
     * @param learningRate Adam step size, {@code > 0}
     * @param seed the seed
     * @param maxMinutes wall-clock budget in minutes, or {@code null}
     */
    public TrainConfig(int epochs, int batchSize, double learningRate, long seed, Double maxMinutes) {
        this(epochs, batchSize, learningRate, seed, maxMinutes, null);
    }

    /**
     * A config without a time budget.
     *
     * @param epochs number of passes, {@code >= 1}
     * @param batchSize examples per minibatch, {@code >= 1}
     * @param learningRate Adam step size, {@code > 0}
     * @param seed the seed
     */
    public TrainConfig(int epochs, int batchSize, double learningRate, long seed) {
        this(epochs, batchSize, learningRate, seed, null, null);
    }

    /**
     * @param newEpochs the new total number of epochs
     * @return a copy with another epoch count (used by {@code --resume --epochs N})
     */
    public TrainConfig withEpochs(int newEpochs) {
        return new TrainConfig(newEpochs, batchSize, learningRate, seed, maxMinutes, clipNorm);
    }

    /**
     * @param newClipNorm the largest global gradient norm, or {@code null} for none
     * @return a copy with another clipping threshold (used by {@code --resume --clip-norm C})
     * @throws InvalidInputException if {@code newClipNorm} is not positive
     */
    public TrainConfig withClipNorm(Double newClipNorm) {
        return new TrainConfig(epochs, batchSize, learningRate, seed, maxMinutes, newClipNorm);
    }
}
