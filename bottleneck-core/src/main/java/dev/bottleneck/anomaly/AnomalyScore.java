package dev.bottleneck.anomaly;

import ai.djl.ndarray.NDArray;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.model.Autoencoder;

import java.util.List;

/**
 * How an example's anomaly score is computed from a trained model; higher means more anomalous.
 * A score is chosen by name when a detector is fitted and saved in {@code anomaly.json}, so a
 * model directory scores new data the way it was calibrated.
 *
 * <p>Known scores:
 *
 * <ul>
 *   <li>{@code mse}: reconstruction error, {@link ReconstructionError} (PyOD {@code AutoEncoder},
 *       H2O {@code h2o.anomaly}).
 *   <li>{@code recon-prob}: a VAE's reconstruction probability, {@link ReconstructionProbability}
 *       (An &amp; Cho 2015, a Monte-Carlo estimate of {@code -E_q(z|x)[log p(x|z)]}, nats per
 *       row); {@code --model vae} only.
 * </ul>
 *
 * <p>Implementations never move the model between devices and keep no per-call state: arrays they
 * return belong to the manager of the input.
 */
public interface AnomalyScore {

    /** The names {@link #byName} knows. */
    List<String> NAMES = List.of("mse", ReconstructionProbability.NAME);

    /** @return the name stored in {@code anomaly.json}, e.g. {@code "mse"} */
    String name();

    /** @return what the score is, with its unit, for reports */
    String description();

    /**
     * Scores a batch.
     *
     * @param model the trained model (inference mode: no corruption, no dropout)
     * @param x {@code (N, ...inputShape)} in the model's input scale
     * @return {@code (N)} scores, float32
     */
    NDArray score(Autoencoder model, NDArray x);

    /**
     * The per-feature parts of the score (H2O's {@code per_feature = TRUE}): {@code (N, F)} with
     * {@code F} the number of input values, whose mean over features is the score unless {@link
     * #perFeatureAveragesToScore()} says otherwise.
     *
     * @param model the trained model
     * @param x {@code (N, ...inputShape)} in the model's input scale
     * @return {@code (N, F)}
     * @throws UnsupportedOperationException if this score has no per-feature form
     */
    NDArray perFeature(Autoencoder model, NDArray x);

    /**
     * @return whether the row mean of {@link #perFeature} is the score (then callers that want
     *     both compute the per-feature form only); true unless overridden
     */
    default boolean perFeatureAveragesToScore() {
        return true;
    }

    /**
     * @param name a score name from {@link #NAMES}
     * @param scaling the model's input scaling (errors are reported in its metric scale)
     * @return the score
     * @throws InvalidInputException for an unknown name
     */
    static AnomalyScore byName(String name, InputScaling scaling) {
        return byName(name, scaling, ReconstructionProbability.DEFAULT_SAMPLES, 0);
    }

    /**
     * @param name a score name from {@link #NAMES}
     * @param scaling the model's input scaling
     * @param samples posterior samples per row for {@code recon-prob} ({@code >= 1}; ignored by
     *     others)
     * @param seed noise seed for {@code recon-prob} (ignored by others)
     * @return the score
     * @throws InvalidInputException for an unknown name or {@code samples < 1} with {@code
     *     recon-prob}
     */
    static AnomalyScore byName(String name, InputScaling scaling, int samples, long seed) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("mse")) {
            return new ReconstructionError(scaling);
        }
        if (n.equals(ReconstructionProbability.NAME)) {
            return new ReconstructionProbability(scaling, samples, seed);
        }
        throw new InvalidInputException("unknown anomaly score '" + name + "' (known: " + String.join(", ", NAMES) + ")");
    }
}
