package dev.bottleneck.latent.categorical;

import dev.bottleneck.InvalidInputException;

/**
 * The options of a {@link GumbelSoftmaxLatent}.
 *
 * @param groups {@code G}, independent categorical variables, {@code >= 1}
 * @param categories {@code C}, the categories of each, {@code >= 2}
 * @param hard straight-through one-hot samples in training ({@code true}) or soft relaxed ones
 * @param temperature the temperature schedule
 * @param continuous a continuous part appended to the one-hot code, or {@code null} for none
 * @param klWeight weight of the KL terms against the priors (uniform categorical, standard normal
 *     continuous part), {@code >= 0}; 0 leaves them out (a plain autoencoder with a one-hot code)
 * @param usageWeight weight of the usage term {@code log C - H(mean_x q(y|x))} per group, in
 *     nats: 0 when a batch uses every category equally, so it works against the collapse onto a
 *     few categories (the marginal-entropy term of Hu et al., "Learning Discrete Representations
 *     via Information Maximizing Self-Augmented Training", ICML 2017); {@code >= 0}, 0 leaves it out
 * @param entropyWeight weight of the conditional entropy {@code mean_x H(q(y|x))} per group, in
 *     nats: it makes each example's class confident (IMSAT's {@code H(Y|X)} term); {@code >= 0}
 */
public record CategoricalConfig(int groups, int categories, boolean hard, TemperatureSchedule temperature,
        Continuous continuous, double klWeight, double usageWeight, double entropyWeight) {

    /**
     * A config without the conditional-entropy term (see the canonical constructor).
     *
     * @param groups G
     * @param categories C
     * @param hard straight-through one-hot samples
     * @param temperature the schedule
     * @param continuous the style part, or null
     * @param klWeight the KL weight
     * @param usageWeight the usage weight
     */
    public CategoricalConfig(int groups, int categories, boolean hard, TemperatureSchedule temperature, Continuous continuous,
                             double klWeight, double usageWeight) {
        this(groups, categories, hard, temperature, continuous, klWeight, usageWeight, 0);
    }

    /**
     * A config without the usage term (see the canonical constructor).
     *
     * @param groups G
     * @param categories C
     * @param hard straight-through one-hot samples
     * @param temperature the schedule
     * @param continuous the style part, or null
     * @param klWeight the KL weight
     */
    public CategoricalConfig(int groups, int categories, boolean hard, TemperatureSchedule temperature, Continuous continuous,
                             double klWeight) {
        this(groups, categories, hard, temperature, continuous, klWeight, 0, 0);
    }

    /**
     * The continuous "style" part of a joint code (Dupont, "Learning Disentangled Joint Continuous
     * and Discrete Representations", NeurIPS 2018): {@code dims} real dimensions beside the
     * one-hot "class".
     *
     * @param dims the number of continuous dimensions, {@code >= 1}
     * @param gaussian {@code true}: a Gaussian posterior (the encoder gives mean and log-variance,
     *     {@code 2 * dims} values; sampled in training with the reparameterization trick, the mean
     *     in evaluation; KL to {@code N(0, I)}); {@code false}: the encoder's values as they are
     */
    public record Continuous(int dims, boolean gaussian) {
        /** Validates. */
        public Continuous {
            if (dims < 1) {
                throw new InvalidInputException("the continuous part of a joint code needs at least 1 dimension, got " + dims);
            }
        }

        /** @return the encoder values it takes: {@code 2 dims} for a Gaussian, else {@code dims} */
        public int encoderWidth() {
            return gaussian ? 2 * dims : dims;
        }
    }

    /** Validates. */
    public CategoricalConfig {
        if (groups < 1) {
            throw new InvalidInputException("a categorical code needs at least 1 group, got " + groups);
        }
        if (categories < 2) {
            throw new InvalidInputException("a categorical code needs at least 2 categories, got " + categories);
        }
        if ((long) groups * categories > Integer.MAX_VALUE / 4) {
            throw new InvalidInputException("a categorical code of " + groups + " x " + categories + " is too large");
        }
        if (temperature == null) {
            temperature = TemperatureSchedule.constant(1.0);
        }
        if (!(usageWeight >= 0) || Double.isInfinite(usageWeight)) {
            throw new InvalidInputException("the usage weight must be >= 0, got " + usageWeight);
        }
        if (!(klWeight >= 0) || Double.isInfinite(klWeight)) {
            throw new InvalidInputException("the KL weight must be >= 0, got " + klWeight);
        }
        if (!(entropyWeight >= 0) || Double.isInfinite(entropyWeight)) {
            throw new InvalidInputException("the conditional entropy weight must be >= 0, got " + entropyWeight);
        }
    }

    /**
     * One categorical variable of {@code categories} classes, hard straight-through samples,
     * temperature annealed per epoch from 1 to 0.5 at rate 0.1 (0.5 reached after 7 epochs), no
     * continuous part, no KL: the unsupervised classifier of the course notes.
     *
     * @param categories {@code C}
     * @return the config
     */
    public static CategoricalConfig oneHot(int categories) {
        return new CategoricalConfig(1, categories, true, new TemperatureSchedule(1.0, 0.5, 0.1, TemperatureSchedule.Unit.EPOCH), null, 0);
    }

    /** @return {@code G * C}, the one-hot part of the code */
    public int oneHotSize() {
        return groups * categories;
    }

    /** @return the width of the code {@code z}: {@code G*C} plus the continuous dimensions */
    public int codeSize() {
        return oneHotSize() + (continuous == null ? 0 : continuous.dims());
    }

    /** @return the width of the encoder output: {@code G*C} plus the continuous part's values */
    public int encoderWidth() {
        return oneHotSize() + (continuous == null ? 0 : continuous.encoderWidth());
    }
}
