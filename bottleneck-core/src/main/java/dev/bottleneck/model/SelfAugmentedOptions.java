package dev.bottleneck.model;

import ai.djl.ndarray.NDArray;
import dev.bottleneck.latent.VirtualAdversarialTraining;

/**
 * Type options that carry the self-augmentation term of IMSAT ({@link VirtualAdversarialTraining}):
 * binary and categorical codes. {@link ModelType#bindToData} and {@link ModelType#selfAugmentation}
 * use them by default, so a type whose options implement this interface gets both.
 */
public interface SelfAugmentedOptions extends TypeOptions {

    /** @return the term's weight, {@code >= 0}; 0 for none */
    double vatWeight();

    /** @return the perturbation's L2 norm, or 0 for "auto" (bound to the training data) */
    double vatEpsilon();

    /**
     * @param epsilon a radius
     * @return these options with it
     */
    SelfAugmentedOptions withVatEpsilon(double epsilon);

    /**
     * {@link ModelType#bindToData} for these options: sets an "auto" radius from the training data.
     *
     * @param c a config
     * @param train gives the training inputs {@code (N, ...)}, model scale (called only for "auto")
     * @param seed seeds the sample of the radius
     * @return {@code c}, or a copy with the radius set
     */
    static ModelConfig bindRadius(ModelConfig c, java.util.function.Supplier<NDArray> train, long seed) {
        if (!(c.options() instanceof SelfAugmentedOptions o) || o.vatWeight() == 0 || o.vatEpsilon() != 0) {
            return c;
        }
        return c.withOptions(o.withVatEpsilon(VirtualAdversarialTraining.radiusFor(train.get(), seed)));
    }

    /**
     * {@link ModelType#selfAugmentation} for these options.
     *
     * @param c a config
     * @return the term, or null when its options carry none or its weight is 0
     */
    static VirtualAdversarialTraining term(ModelConfig c) {
        if (!(c.options() instanceof SelfAugmentedOptions o)) {
            return null;
        }
        return VirtualAdversarialTraining.ofWeight(o.vatWeight(), o.vatEpsilon());
    }
}
